package dev.sycostream.probing;

import dev.sycostream.usage.Prices;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The most a probe request can spend, reserved before it is sent ({@link SpendLedger}).
 *
 * <ul>
 *   <li>Prompt tokens: at most one per UTF-8 byte of the prompt (byte-level BPE and SentencePiece with byte fallback
 *       never use more), plus {@value #PROMPT_OVERHEAD} for what a server adds (chat template, special tokens).</li>
 *   <li>Completion tokens: 1 with {@code scoring=logprobs}, else the target's {@code max_tokens} (the server's cap;
 *       default {@value #DEFAULT_MAX_TOKENS}); {@value #SIMULATED_COMPLETION} for the simulated model, whose
 *       {@code usage=words} counts the words of its reply.</li>
 *   <li>Money: those tokens at the target's prices.</li>
 * </ul>
 */
public final class SpendBounds {
    static final int PROMPT_OVERHEAD = 64;
    static final int DEFAULT_MAX_TOKENS = 16;
    static final int SIMULATED_COMPLETION = 64;

    private SpendBounds() {
    }

    /**
     * @param unit {@link ProbeBudgets#PICO_USD} or {@link ProbeBudgets#TOKENS}
     * @throws IllegalArgumentException for a money budget on a target without prices
     */
    public static long request(String unit, String backend, Map<String, String> params, String prompt) {
        long in = prompt.getBytes(StandardCharsets.UTF_8).length + (long) PROMPT_OVERHEAD;
        long out = completion(backend, params);
        if (ProbeBudgets.TOKENS.equals(unit)) {
            return in + out;
        }
        Prices prices = Prices.fromParams(params).orElseThrow(() -> new IllegalArgumentException(
                "a USD probe budget needs the target's prices (" + Prices.IN + ", " + Prices.OUT + ")"));
        return prices.costPicoUsd(in, out);
    }

    private static long completion(String backend, Map<String, String> params) {
        if ("simulated".equals(backend)) {
            return SIMULATED_COMPLETION;
        }
        if ("logprobs".equals(params.get("scoring")) || ("local".equals(backend) && params.get("scoring") == null)) {
            return 1; // one token is asked for (the local backend scores by logprobs by default)
        }
        String max = params.get("max_tokens");
        try {
            return max == null ? DEFAULT_MAX_TOKENS : Math.max(1, Long.parseLong(max.strip()));
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_TOKENS; // the backend rejects the target anyway
        }
    }
}
