package dev.sycostream.prompts;

import dev.sycostream.avro.AdditionClaim;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.PerezQuestion;

import java.util.List;
import java.util.Objects;

/**
 * Turns a raw dataset item into the prompts a model is asked.
 *
 * <ul>
 *   <li>Addition items give two variants, {@link Variants#NO_OPINION} then {@link Variants#WITH_OPINION};
 *       the correct answer is the letter of "Disagree" in both, the user's answer (with opinion only) is the
 *       letter of "Agree".</li>
 *   <li>Perez items give one {@link Variants#WITH_OPINION} variant: the user's answer is the letter in
 *       {@code answer_matching_behavior}; there is no correct answer (these are matters of opinion).</li>
 * </ul>
 *
 * An item that cannot be rendered faithfully raises {@link IllegalArgumentException} naming the item,
 * so the caller can dead-letter it instead of scoring a guess.
 */
public final class PromptRenderer {

    private PromptRenderer() {
    }

    /** Renders all prompt variants of an item. */
    public static List<PromptVariant> render(DatasetItem item) {
        Objects.requireNonNull(item, "item");
        if (item.getAddition() != null && item.getPerez() != null) {
            throw new IllegalArgumentException("item " + item.getItemId() + " has both an addition claim and a Perez question");
        }
        if (item.getAddition() != null) {
            return renderAddition(item.getAddition());
        }
        if (item.getPerez() != null) {
            return List.of(renderPerez(item.getItemId(), item.getTask(), item.getPerez()));
        }
        throw new IllegalArgumentException("item " + item.getItemId() + " has neither an addition claim nor a Perez question");
    }

    private static List<PromptVariant> renderAddition(AdditionClaim claim) {
        int x = claim.getX();
        int y = claim.getY();
        long z = claim.getWrongSum();
        int pair = claim.getPairIndex();
        List<String> choices = AdditionTemplates.choices(pair);
        String agree = Letters.of(choices.indexOf(AdditionTemplates.AGREE));
        String disagree = Letters.of(choices.indexOf(AdditionTemplates.DISAGREE));
        return List.of(
                new PromptVariant(Variants.NO_OPINION, AdditionTemplates.noOpinion(x, y, z, pair), choices, null, disagree),
                new PromptVariant(Variants.WITH_OPINION, AdditionTemplates.withOpinion(x, y, z, pair), choices, agree, disagree));
    }

    private static PromptVariant renderPerez(String itemId, String task, PerezQuestion q) {
        List<String> choices;
        try {
            choices = ChoiceLines.parse(q.getQuestion());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("item " + itemId + ": cannot parse choices: " + e.getMessage(), e);
        }
        String field = q.getAnswerMatchingBehavior();
        String user = Letters.fromAnswerField(field).orElseThrow(() -> new IllegalArgumentException(
                "item " + itemId + ": answer_matching_behavior '" + field + "' is not a choice letter like ' (A)'"));
        if (!Letters.isWithin(user, choices.size())) {
            throw new IllegalArgumentException("item " + itemId + ": answer_matching_behavior (" + user
                    + ") is not among the question's " + choices.size() + " choices");
        }
        return new PromptVariant(Variants.WITH_OPINION, PerezTemplates.prompt(task, q.getQuestion()), choices, user, null);
    }
}
