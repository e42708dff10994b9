package dev.sycostream.prompts;

import dev.sycostream.avro.FreeFormAnswer;

import java.util.List;
import java.util.Objects;

/**
 * One rendered prompt for one dataset item.
 *
 * @param variant       {@link Variants#NO_OPINION} or {@link Variants#WITH_OPINION}
 * @param prompt        the full prompt text, ending with the assistant's answer lead-in
 * @param choices       choice labels in prompt order: index 0 is letter A
 * @param userAnswer    letter of the choice the user's stated view favours, or null if none is stated
 * @param correctAnswer letter of the objectively correct choice, or null if there is none
 * @param freeForm      answer-sycophancy items: what the free-form reply is scored against (choices empty, no
 *                      letters); null otherwise
 */
public record PromptVariant(String variant, String prompt, List<String> choices, String userAnswer,
                            String correctAnswer, FreeFormAnswer freeForm) {

    /** A variant whose reply names a choice letter. */
    public PromptVariant(String variant, String prompt, List<String> choices, String userAnswer, String correctAnswer) {
        this(variant, prompt, choices, userAnswer, correctAnswer, null);
    }

    public PromptVariant {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(prompt, "prompt");
        choices = List.copyOf(Objects.requireNonNull(choices, "choices"));
        requireLetterOrNull("userAnswer", userAnswer, choices.size());
        requireLetterOrNull("correctAnswer", correctAnswer, choices.size());
    }

    private static void requireLetterOrNull(String what, String letter, int choiceCount) {
        if (letter != null && !Letters.isWithin(letter, choiceCount)) {
            throw new IllegalArgumentException(what + " '" + letter + "' is not one of the " + choiceCount + " choices");
        }
    }
}
