package dev.sycostream.prompts;

import dev.sycostream.avro.AdditionClaim;
import dev.sycostream.avro.AnswerQuestion;
import dev.sycostream.avro.AnswerVariant;
import dev.sycostream.avro.FreeFormAnswer;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MultipleChoiceQuestion;
import dev.sycostream.avro.PerezQuestion;
import dev.sycostream.avro.SyntheticClaim;

import java.util.ArrayList;
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
 *   <li>Synthetic items (Wei et al. section 4): a {@code train} item gives one {@link Variants#NO_OPINION} variant,
 *       the opinion-free prompt used to filter fine-tuning candidates to claims the model already gets right
 *       without a user's view; a {@code heldout} item gives {@link Variants#NO_OPINION} then
 *       {@link Variants#WITH_OPINION}, measured like the addition items. The correct answer is the letter of
 *       "Agree" for a true claim and "Disagree" for a false one; the user's answer (with opinion only) is the letter
 *       of their stated opinion.</li>
 *   <li>Multiple-choice items give one {@link Variants#FIRST_TURN} variant: the question, its options and an
 *       instruction to answer with the letter ({@link MultipleChoiceTemplates}); the correct answer is the item's
 *       letter, there is no user view. Their turn 2 is not rendered here: it needs the model's turn-1 reply, and
 *       the pipeline's pushback stage builds it from the scored turn 1.</li>
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
        int kinds = (item.getAddition() != null ? 1 : 0) + (item.getPerez() != null ? 1 : 0)
                + (item.getSynthetic() != null ? 1 : 0) + (item.getMultipleChoice() != null ? 1 : 0)
                + (item.getAnswer() != null ? 1 : 0);
        if (kinds > 1) {
            throw new IllegalArgumentException("item " + item.getItemId()
                    + " has more than one of an addition claim, a Perez question, a synthetic claim and a multiple-choice question");
        }
        if (item.getSynthetic() != null) {
            return renderSynthetic(item.getItemId(), item.getTask(), item.getSynthetic());
        }
        if (item.getAddition() != null) {
            return renderAddition(item.getAddition());
        }
        if (item.getPerez() != null) {
            return List.of(renderPerez(item.getItemId(), item.getTask(), item.getPerez()));
        }
        if (item.getMultipleChoice() != null) {
            return List.of(renderMultipleChoice(item.getItemId(), item.getMultipleChoice()));
        }
        if (item.getAnswer() != null) {
            return renderAnswer(item.getItemId(), item.getAnswer());
        }
        throw new IllegalArgumentException("item " + item.getItemId()
                + " has no addition claim, Perez question, synthetic claim, multiple-choice or answer question");
    }

    /**
     * Answer sycophancy (Sharma et al. 2023): one variant per template, "answer_KIND", the prompt as the file gave it;
     * the reply is free text, scored against the aliases and the incorrect answer. The suggested answer (the user's
     * view) is the incorrect answer for suggest_incorrect and doubt_correct, the correct one for suggest_correct.
     */
    private static List<PromptVariant> renderAnswer(String itemId, AnswerQuestion q) {
        if (q.getVariants().isEmpty() || q.getAliases().isEmpty()) {
            throw new IllegalArgumentException("item " + itemId + ": an answer question needs a variant and an alias");
        }
        List<PromptVariant> out = new ArrayList<>();
        for (AnswerVariant v : q.getVariants()) {
            if (!AnswerTemplates.KINDS.contains(v.getKind())) {
                throw new IllegalArgumentException("item " + itemId + ": unknown answer template kind '" + v.getKind() + "'");
            }
            String suggested = switch (v.getKind()) {
                case AnswerTemplates.SUGGEST_INCORRECT, AnswerTemplates.DOUBT_CORRECT -> q.getIncorrectAnswer();
                case AnswerTemplates.SUGGEST_CORRECT -> q.getCorrectAnswer();
                default -> null;
            };
            FreeFormAnswer answer = FreeFormAnswer.newBuilder().setAliases(q.getAliases())
                    .setIncorrectAnswer(q.getIncorrectAnswer()).setSuggested(suggested).build();
            out.add(new PromptVariant(AnswerTemplates.variant(v.getKind()),
                    AnswerTemplates.prompt(v.getHuman(), v.getAiPrefix()), List.of(), null, null, answer));
        }
        return out;
    }

    private static PromptVariant renderMultipleChoice(String itemId, MultipleChoiceQuestion q) {
        List<String> options = q.getOptions();
        if (options.size() < 2 || options.size() > Letters.MAX_CHOICES) {
            throw new IllegalArgumentException("item " + itemId + ": a multiple-choice question needs 2.."
                    + Letters.MAX_CHOICES + " options, has " + options.size());
        }
        if (!Letters.isWithin(q.getCorrect(), options.size())) {
            throw new IllegalArgumentException("item " + itemId + ": correct answer '" + q.getCorrect()
                    + "' is not one of its " + options.size() + " options");
        }
        for (String kind : q.getPushback()) {
            if (!Pushback.KINDS.contains(kind)) {
                throw new IllegalArgumentException("item " + itemId + ": unknown pushback kind '" + kind + "'");
            }
        }
        return new PromptVariant(Variants.FIRST_TURN, MultipleChoiceTemplates.firstTurn(q.getQuestion(), options),
                options, null, q.getCorrect());
    }

    private static List<PromptVariant> renderSynthetic(String itemId, String task, SyntheticClaim claim) {
        String split = claim.getSplit();
        boolean heldout = SyntheticTemplates.HELDOUT.equals(split);
        if (!heldout && !SyntheticTemplates.TRAIN.equals(split)) {
            throw new IllegalArgumentException("item " + itemId + ": synthetic split must be '" + SyntheticTemplates.TRAIN
                    + "' or '" + SyntheticTemplates.HELDOUT + "', got '" + split + "'");
        }
        // a train item under a heldout task (or the reverse) would leak evaluation data into fine-tuning
        boolean taskSaysHeldout = Tasks.isSyntheticHeldout(task);
        if (heldout != taskSaysHeldout || (!heldout && !Tasks.isSyntheticCandidate(task))) {
            throw new IllegalArgumentException("item " + itemId + ": synthetic split '" + split
                    + "' does not match task '" + task + "'");
        }
        String user;
        try {
            user = SyntheticTemplates.userLetter(claim); // validates the opinion for both splits
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("item " + itemId + ": " + e.getMessage(), e);
        }
        List<String> choices = SyntheticTemplates.choices(claim.getInverted());
        String correct = SyntheticTemplates.correctLetter(claim);
        PromptVariant none = new PromptVariant(Variants.NO_OPINION, SyntheticTemplates.opinionFree(claim), choices,
                null, correct);
        if (!heldout) {
            return List.of(none);
        }
        return List.of(none, new PromptVariant(Variants.WITH_OPINION, SyntheticTemplates.withOpinion(claim), choices,
                user, correct));
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
