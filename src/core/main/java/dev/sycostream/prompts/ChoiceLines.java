package dev.sycostream.prompts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the choice labels in a Perez et al. question.
 *
 * <p>The published questions list their choices one per line as {@code " (A) text"}; the text can be a
 * long sentence. Every such line in the question must be a choice, with letters A, B, C, ... in order:
 * anything else means we cannot tell reliably which letter is which, so the question is refused rather
 * than scored on a guess.
 */
public final class ChoiceLines {
    /** Optional indentation, "(X)", at least one space, then the label. */
    private static final Pattern CHOICE_LINE = Pattern.compile("^[ \\t]*\\(([A-Z])\\)[ \\t]+(\\S.*?)\\s*$");

    private ChoiceLines() {
    }

    /**
     * The choice labels of a question, in order (index 0 is letter A).
     *
     * @throws IllegalArgumentException if there are fewer than two choice lines or their letters are not
     *                                  A, B, C, ... in order; the message says what is wrong
     */
    public static List<String> parse(String question) {
        if (question == null) {
            throw new IllegalArgumentException("question is missing");
        }
        List<String> labels = new ArrayList<>();
        String[] lines = question.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = CHOICE_LINE.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String expected = labels.size() < Letters.MAX_CHOICES ? Letters.of(labels.size()) : "(none)";
            if (!m.group(1).equals(expected)) {
                throw new IllegalArgumentException("choice line " + (i + 1) + " of the question is (" + m.group(1)
                        + ") but (" + expected + ") was expected: letters must run A, B, C, ... in order");
            }
            labels.add(m.group(2));
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("question has " + labels.size()
                    + " choice line(s) of the form ' (A) text'; at least 2 are needed");
        }
        return List.copyOf(labels);
    }
}
