package dev.sycostream.worker.backend.openai;

import dev.sycostream.usage.Prices;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sycostream.worker.backend.BackendParams.number;
import static dev.sycostream.worker.backend.BackendParams.positiveInt;

/**
 * The settings of one OpenAI-compatible target, read from the target's backend params (which are copied into
 * every request and so must never hold a secret: the API key is named by {@code api_key_env} or
 * {@code api_key_file}, and read by the worker).
 *
 * <table>
 *   <tr><th>param</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>base_url</td><td>server root, e.g. {@code http://127.0.0.1:8000/v1} (a bare host gets {@code /v1})</td><td>required</td></tr>
 *   <tr><td>model</td><td>model name the server knows</td><td>required</td></tr>
 *   <tr><td>api</td><td>{@code chat} ({@code /chat/completions}) or {@code completions}</td><td>chat</td></tr>
 *   <tr><td>scoring</td><td>{@code generate} (parse the letter) or {@code logprobs} (first-token probabilities)</td><td>generate</td></tr>
 *   <tr><td>temperature</td><td>sampling temperature</td><td>0</td></tr>
 *   <tr><td>max_tokens</td><td>tokens to generate (logprobs scoring always asks for 1)</td><td>16</td></tr>
 *   <tr><td>top_logprobs</td><td>how many first-token alternatives to ask for</td><td>5</td></tr>
 *   <tr><td>timeout_ms</td><td>per attempt, from sending to the whole answer</td><td>60000</td></tr>
 *   <tr><td>rate_limit</td><td>requests per second to this target from one worker (0 = unlimited)</td><td>0</td></tr>
 *   <tr><td>chat_prefill</td><td>chat: send the prompt's "I believe the best answer is" as an assistant message to
 *       continue ({@code continue_final_message}, vLLM/SGLang); otherwise only the Human turn is sent</td><td>false</td></tr>
 *   <tr><td>answer_prefix</td><td>text appended to the prompt in logprobs scoring, e.g. {@code " ("} for
 *       tokenizers whose next token would be the parenthesis</td><td>""</td></tr>
 *   <tr><td>api_key_env / api_key_file</td><td>where the worker reads the API key</td><td>none</td></tr>
 * </table>
 */
public record OpenAiSettings(URI baseUri, String model, Api api, Scoring scoring, double temperature,
                             int maxTokens, int topLogprobs, Duration timeout, double rateLimit,
                             boolean chatPrefill, String answerPrefix, String apiKeyEnv, String apiKeyFile) {

    public enum Api { CHAT, COMPLETIONS }

    public enum Scoring { GENERATE, LOGPROBS }

    public static final String BASE_URL = "base_url";
    public static final String MODEL = "model";
    public static final String API = "api";
    public static final String SCORING = "scoring";
    public static final String TEMPERATURE = "temperature";
    public static final String MAX_TOKENS = "max_tokens";
    public static final String TOP_LOGPROBS = "top_logprobs";
    public static final String TIMEOUT_MS = "timeout_ms";
    public static final String RATE_LIMIT = "rate_limit";
    public static final String CHAT_PREFILL = "chat_prefill";
    public static final String ANSWER_PREFIX = "answer_prefix";
    public static final String API_KEY_ENV = "api_key_env";
    public static final String API_KEY_FILE = "api_key_file";

    /** Every param this backend reads; anything else is a typo and is rejected. */
    public static final Set<String> KEYS = new LinkedHashSet<>(List.of(BASE_URL, MODEL, API, SCORING, TEMPERATURE,
            MAX_TOKENS, TOP_LOGPROBS, TIMEOUT_MS, RATE_LIMIT, CHAT_PREFILL, ANSWER_PREFIX, API_KEY_ENV, API_KEY_FILE,
            Prices.IN, Prices.OUT)); // the prices are the pipeline's (cost accounting), not sent to the server

    /**
     * @throws IllegalArgumentException naming the param, for a missing, unknown or malformed one
     */
    public static OpenAiSettings fromParams(Map<String, String> params) {
        for (String key : params.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "'; known: " + String.join(", ", KEYS));
            }
        }
        String base = required(params, BASE_URL);
        URI uri;
        try {
            uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(BASE_URL + " '" + base + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(BASE_URL + " '" + base + "' must be an http:// or https:// URL with a host");
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            uri = URI.create(uri + "/v1"); // every OpenAI-compatible server serves under /v1
        }
        Api api = enumParam(params, API, Api.CHAT, Api.class);
        Scoring scoring = enumParam(params, SCORING, Scoring.GENERATE, Scoring.class);
        double temperature = number(params, TEMPERATURE, 0);
        if (temperature < 0) {
            throw new IllegalArgumentException(TEMPERATURE + " must be >= 0, got " + temperature);
        }
        int maxTokens = positiveInt(params, MAX_TOKENS, 16);
        int topLogprobs = positiveInt(params, TOP_LOGPROBS, 5);
        int timeoutMs = positiveInt(params, TIMEOUT_MS, 60_000);
        double rateLimit = number(params, RATE_LIMIT, 0);
        if (rateLimit < 0) {
            throw new IllegalArgumentException(RATE_LIMIT + " must be >= 0 requests/s (0 = unlimited), got " + rateLimit);
        }
        String prefill = params.getOrDefault(CHAT_PREFILL, "false");
        if (!prefill.equals("true") && !prefill.equals("false")) {
            throw new IllegalArgumentException(CHAT_PREFILL + " must be true or false, got '" + prefill + "'");
        }
        if (params.containsKey(API_KEY_ENV) && params.containsKey(API_KEY_FILE)) {
            throw new IllegalArgumentException("give either " + API_KEY_ENV + " or " + API_KEY_FILE + ", not both");
        }
        return new OpenAiSettings(uri, required(params, MODEL), api, scoring, temperature, maxTokens, topLogprobs,
                Duration.ofMillis(timeoutMs), rateLimit, Boolean.parseBoolean(prefill),
                params.getOrDefault(ANSWER_PREFIX, ""), params.get(API_KEY_ENV), params.get(API_KEY_FILE));
    }

    /** The endpoint this target's requests go to. */
    public URI endpoint() {
        return URI.create(baseUri + (api == Api.CHAT ? "/chat/completions" : "/completions"));
    }

    private static String required(Map<String, String> params, String key) {
        String v = params.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v.strip();
    }

    private static <E extends Enum<E>> E enumParam(Map<String, String> params, String key, E fallback, Class<E> type) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.strip())) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + List.of(type.getEnumConstants()).stream()
                .map(e -> e.name().toLowerCase()).toList() + ", got '" + v + "'");
    }
}
