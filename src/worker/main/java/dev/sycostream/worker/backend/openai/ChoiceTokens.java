package dev.sycostream.worker.backend.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the first answer token's top log-probabilities into per-choice log-probabilities.
 *
 * <p>Tokenizers spell a choice letter several ways ({@code "B"}, {@code " B"}, {@code " (B"}, {@code "B)"});
 * each is mapped to its letter and the probabilities of spellings of the same letter are added (log-sum-exp).
 * Tokens that name no choice (" (", " The") are ignored: when none names a choice, there is nothing to score
 * and the caller reports that instead of inventing a chance-level answer.
 *
 * <p>Public because the in-process {@code local} backend reads its engine's first-token probabilities the same way.
 */
public final class ChoiceTokens {
    private ChoiceTokens() {
    }

    /** A token and its log-probability, as a server listed it. */
    public record TokenLogprob(String token, double logprob) {
    }

    /**
     * @param choiceCount how many choices the prompt offers: letters A.. up to it count
     * @return letter → log-probability, in first-seen order; empty when no token names a choice
     */
    public static Map<String, Double> letters(List<TokenLogprob> top, int choiceCount) {
        Map<String, Double> byLetter = new LinkedHashMap<>();
        for (TokenLogprob t : top) {
            letterOf(t.token(), choiceCount).ifPresent(letter ->
                    byLetter.merge(letter, t.logprob(), ChoiceTokens::logSumExp));
        }
        return byLetter;
    }

    /** The choice letter a token spells, if it spells exactly one. */
    public static Optional<String> letterOf(String token, int choiceCount) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.strip();
        if (t.startsWith("(")) {
            t = t.substring(1);
        }
        if (t.endsWith(")") || t.endsWith(".") || t.endsWith(":")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.length() != 1) {
            return Optional.empty();
        }
        char c = t.charAt(0);
        return c >= 'A' && c < 'A' + choiceCount ? Optional.of(String.valueOf(c)) : Optional.empty();
    }

    /** The most probable letter. */
    public static String best(Map<String, Double> byLetter) {
        return byLetter.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    static double logSumExp(double a, double b) {
        double max = Math.max(a, b);
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
    }
}
