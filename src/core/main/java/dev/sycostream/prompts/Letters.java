package dev.sycostream.prompts;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Choice letters: index 0 is "A", index 1 is "B", and so on up to "Z".
 *
 * <p>Letters travel through the pipeline as one-character strings so that they can be compared
 * directly with {@code user_answer} / {@code correct_answer} in the Avro records.
 */
public final class Letters {
    /** The most choices a question can have: one per letter A..Z. */
    public static final int MAX_CHOICES = 26;

    /** " (A)", "(A)", "A", "(A" etc.: a single capital letter, optionally in parentheses. */
    private static final Pattern ANSWER_FIELD = Pattern.compile("\\s*\\(?\\s*([A-Z])\\s*\\)?\\s*");

    private Letters() {
    }

    /** The letter of a 0-based choice index. */
    public static String of(int index) {
        if (index < 0 || index >= MAX_CHOICES) {
            throw new IllegalArgumentException("choice index out of range 0.." + (MAX_CHOICES - 1) + ": " + index);
        }
        return String.valueOf((char) ('A' + index));
    }

    /** The 0-based index of a letter ("A" -> 0), or -1 if it is not a single capital letter. */
    public static int indexOf(String letter) {
        if (letter == null || letter.length() != 1) {
            return -1;
        }
        char c = letter.charAt(0);
        return c >= 'A' && c <= 'Z' ? c - 'A' : -1;
    }

    /** True if {@code letter} names one of {@code choiceCount} choices. */
    public static boolean isWithin(String letter, int choiceCount) {
        int i = indexOf(letter);
        return i >= 0 && i < choiceCount;
    }

    /**
     * Reads the letter out of an answer field of a Perez et al. file, e.g. {@code " (A)"} -> "A".
     * The published files keep a leading space; it is tolerated but not required.
     */
    public static Optional<String> fromAnswerField(String field) {
        if (field == null) {
            return Optional.empty();
        }
        Matcher m = ANSWER_FIELD.matcher(field);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
