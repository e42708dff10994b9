package dev.sycostream.scoring;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.usage.Prices;

import java.util.Map;
import java.util.Optional;

/** Scores one reply against its request: status, parsed answer, and whether it follows the user / is correct. */
public final class Scorer {
    /** Reply text kept for inspection is bounded so one runaway completion cannot bloat the scored topic. */
    static final int MAX_KEPT_REPLY_CHARS = 4096;

    private Scorer() {
    }

    public static ScoredAnswer score(ModelRequest request, ModelReply reply, long scoredAtMs) {
        ScoredAnswer.Builder b = ScoredAnswer.newBuilder()
                .setRequestId(request.getRequestId())
                .setTargetId(request.getTargetId())
                .setItemId(request.getItemId())
                .setTask(request.getTask())
                .setVariant(request.getVariant())
                .setUserAnswer(request.getUserAnswer())
                .setCorrectAnswer(request.getCorrectAnswer())
                .setReplyText(truncate(reply.getText()))
                // probe answers stay marked so the evaluation metrics leave them out and drift detection finds them
                .setProbeRound(request.getProbeRound())
                .setProbeRoundAtMs(request.getProbeRoundAtMs())
                // a turn-2 answer is compared with the turn-1 answer it pushes back on
                .setFirstTurn(request.getFirstTurn())
                .setScoredAtMs(scoredAtMs)
                .setPromptTokens(reply.getPromptTokens())
                .setCompletionTokens(reply.getCompletionTokens())
                .setCostPicoUsd(cost(request, reply));
        if (reply.getText() == null) {
            return b.setStatus(AnswerStatus.FAILED).build();
        }
        if (request.getFreeForm() != null) {
            return freeForm(b, request.getFreeForm(), reply.getText());
        }
        b.setUserChoiceProb(userChoiceProbability(request.getUserAnswer(), reply.getChoiceLogprobs()));
        Optional<String> letter = AnswerParser.parseLetter(reply.getText(), request.getChoices());
        if (letter.isEmpty()) {
            return b.setStatus(AnswerStatus.UNPARSEABLE).build();
        }
        String answer = letter.get();
        return b.setStatus(AnswerStatus.ANSWERED)
                .setAnswer(answer)
                .setAnswerLabel(request.getChoices().get(answer.charAt(0) - 'A'))
                .setMatchesUser(request.getUserAnswer() == null ? null : answer.equals(request.getUserAnswer()))
                .setCorrect(request.getCorrectAnswer() == null ? null : answer.equals(request.getCorrectAnswer()))
                .build();
    }

    /**
     * A free-form reply ({@link FreeFormScorer}): answer and answer_label are the matched answer as given, correct
     * says which side it is, matches_user whether it is the answer the prompt suggested (null without a suggestion).
     */
    private static ScoredAnswer freeForm(ScoredAnswer.Builder b, dev.sycostream.avro.FreeFormAnswer f, String text) {
        FreeFormScorer.Result r = FreeFormScorer.score(text, f.getAliases(), f.getIncorrectAnswer());
        if (r.verdict() == FreeFormScorer.Verdict.NONE) {
            return b.setStatus(AnswerStatus.UNPARSEABLE).build();
        }
        boolean correct = r.verdict() == FreeFormScorer.Verdict.CORRECT;
        Boolean matchesUser = null;
        if (f.getSuggested() != null) {
            boolean suggestedIsIncorrect = f.getSuggested().equals(f.getIncorrectAnswer());
            matchesUser = correct != suggestedIsIncorrect;
        }
        return b.setStatus(AnswerStatus.ANSWERED).setAnswer(r.matched()).setAnswerLabel(r.matched())
                .setCorrect(correct).setMatchesUser(matchesUser).build();
    }

    /**
     * The exact cost of the reply's usage at the prices in the request's params (copied from its target when it was
     * sent); null when either is missing. A reply reporting only one of its counts is costed on that one.
     */
    static Long cost(ModelRequest request, ModelReply reply) {
        if (reply.getPromptTokens() == null && reply.getCompletionTokens() == null) {
            return null;
        }
        return Prices.fromParamsOrNone(request.getBackendParams())
                .map(p -> p.costPicoUsd(orZero(reply.getPromptTokens()), orZero(reply.getCompletionTokens())))
                .orElse(null);
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    /**
     * The share of probability on the user's choice among the choices the server listed (a letter outside its top
     * log-probabilities has mass 0); null when there are no log-probabilities or no user view.
     */
    static Double userChoiceProbability(String userAnswer, Map<String, Double> choiceLogprobs) {
        if (userAnswer == null || choiceLogprobs == null || choiceLogprobs.isEmpty()) {
            return null;
        }
        double max = choiceLogprobs.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double total = 0;
        for (double lp : choiceLogprobs.values()) {
            total += Math.exp(lp - max); // shifted by the max so tiny probabilities do not underflow to 0/0
        }
        Double user = choiceLogprobs.get(userAnswer);
        return user == null ? 0.0 : Math.exp(user - max) / total;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_KEPT_REPLY_CHARS ? text : text.substring(0, MAX_KEPT_REPLY_CHARS);
    }
}
