package dev.sycostream.worker.backend;

import java.util.Map;

/**
 * What a backend answered for one request.
 *
 * @param text             the completion, e.g. {@code " (B) Disagree"}; in logprob scoring the most probable choice,
 *                         e.g. {@code " (B)"}, so the discrete metrics are computed the same way in both modes
 * @param choiceLogprobs   log-probability of each choice letter as the first answer token; empty when the backend
 *                         scores by generation
 * @param httpStatus       status of the server's answer for HTTP backends, null otherwise
 * @param promptTokens     prompt tokens this answer was charged for, null when the backend reported none
 * @param completionTokens completion tokens of this answer, null when the backend reported none
 */
public record Completion(String text, Map<String, Double> choiceLogprobs, Integer httpStatus, Long promptTokens,
                         Long completionTokens) {
    public Completion {
        choiceLogprobs = choiceLogprobs == null ? Map.of() : Map.copyOf(choiceLogprobs);
    }

    /** An answer without usage counts. */
    public Completion(String text, Map<String, Double> choiceLogprobs, Integer httpStatus) {
        this(text, choiceLogprobs, httpStatus, null, null);
    }

    /** A plain text completion with no log-probabilities (the simulated model, generate scoring). */
    public static Completion ofText(String text) {
        return new Completion(text, Map.of(), null);
    }

    /** This answer with the usage the backend reported (either may be null: not reported). */
    public Completion withUsage(Long prompt, Long completion) {
        return new Completion(text, choiceLogprobs, httpStatus, prompt, completion);
    }
}
