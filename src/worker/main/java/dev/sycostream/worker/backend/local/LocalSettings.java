package dev.sycostream.worker.backend.local;

import dev.sycostream.usage.Prices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sycostream.worker.backend.BackendParams.positiveInt;

/**
 * The settings of one {@code local} target (a GGUF checkpoint evaluated in the worker's process by llama.cpp),
 * read from the target's backend params.
 *
 * <table>
 *   <tr><th>param</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>path</td><td>the GGUF file, on the worker's host</td><td>required</td></tr>
 *   <tr><td>scoring</td><td>{@code logprobs} (first-token probabilities of the choice letters) or {@code generate}
 *       (greedy generation, letter parsed)</td><td>logprobs</td></tr>
 *   <tr><td>answer_prefix</td><td>text appended to the prompt in logprobs scoring, so that the next token is the bare
 *       letter: the paper's prompts end "...the best answer is", and the answer is " (B)"</td><td>" ("</td></tr>
 *   <tr><td>top_logprobs</td><td>first-token alternatives read first; when a choice letter is not among them the
 *       request is evaluated again over the whole vocabulary</td><td>20</td></tr>
 *   <tr><td>max_tokens</td><td>tokens to generate (generate scoring)</td><td>16</td></tr>
 *   <tr><td>parallel</td><td>requests evaluated at once: sequence slots of the one llama.cpp context, and threads of
 *       the backend's own pool (the worker's in-flight window waits for them)</td><td>1</td></tr>
 *   <tr><td>threads</td><td>CPU threads llama.cpp computes with</td><td>available processors</td></tr>
 *   <tr><td>ctx_size</td><td>context (tokens) per slot</td><td>2048</td></tr>
 *   <tr><td>seed</td><td>sampler seed (logprobs scoring samples one token it then ignores)</td><td>42</td></tr>
 * </table>
 */
public record LocalSettings(Path path, Scoring scoring, String answerPrefix, int topLogprobs, int maxTokens,
                            int parallel, int threads, int ctxSize, int seed) {

    public enum Scoring { LOGPROBS, GENERATE }

    public static final String PATH = "path";
    public static final String SCORING = "scoring";
    public static final String ANSWER_PREFIX = "answer_prefix";
    public static final String TOP_LOGPROBS = "top_logprobs";
    public static final String MAX_TOKENS = "max_tokens";
    public static final String PARALLEL = "parallel";
    public static final String THREADS = "threads";
    public static final String CTX_SIZE = "ctx_size";
    public static final String SEED = "seed";
    /** The served model name, as a target records it; not read by the engine. */
    public static final String MODEL = "model";

    /** Every param this backend reads; anything else is a typo and is rejected. */
    public static final Set<String> KEYS = new LinkedHashSet<>(List.of(PATH, SCORING, ANSWER_PREFIX, TOP_LOGPROBS,
            MAX_TOKENS, PARALLEL, THREADS, CTX_SIZE, SEED, MODEL, Prices.IN, Prices.OUT)); // prices: for cost accounting

    /**
     * @throws IllegalArgumentException naming the param, for a missing, unknown or malformed one, or a path that is
     *                                  not a readable file on this host
     */
    public static LocalSettings fromParams(Map<String, String> params) {
        return fromParams(params, true);
    }

    /**
     * @param fileHere whether {@code path} must be a readable file on this host: not for {@code target add}, which may
     *                 run on another host than the workers
     */
    public static LocalSettings fromParams(Map<String, String> params, boolean fileHere) {
        for (String key : params.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "'; known: " + String.join(", ", KEYS));
            }
        }
        String p = params.get(PATH);
        if (p == null || p.isBlank()) {
            throw new IllegalArgumentException(PATH + " (the GGUF file) is required");
        }
        Path path = Path.of(p.strip()).toAbsolutePath().normalize();
        if (fileHere && (!Files.isRegularFile(path) || !Files.isReadable(path))) {
            throw new IllegalArgumentException(PATH + " '" + p + "' is not a readable file");
        }
        String s = params.getOrDefault(SCORING, "logprobs").strip();
        Scoring scoring;
        try {
            scoring = Scoring.valueOf(s.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SCORING + " must be logprobs or generate, got '" + s + "'");
        }
        int parallel = positiveInt(params, PARALLEL, 1);
        return new LocalSettings(path, scoring, params.getOrDefault(ANSWER_PREFIX, " ("),
                positiveInt(params, TOP_LOGPROBS, 20), positiveInt(params, MAX_TOKENS, 16), parallel,
                positiveInt(params, THREADS, Runtime.getRuntime().availableProcessors()),
                positiveInt(params, CTX_SIZE, 2048), positiveInt(params, SEED, 42));
    }
}
