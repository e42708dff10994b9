package dev.sycostream.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A target's token prices, from its params {@value #IN} and {@value #OUT}: USD per million prompt and completion
 * tokens (e.g. 0.15 and 0.6). A target that names neither has no prices, and its costs are unknown (null), never 0.
 * Naming one of them prices the other kind at 0.
 *
 * <p>Costs are computed exactly, as whole pico-dollars (10^-12 USD): {@code tokens × USD/Mtok} has at most 6 + 6
 * decimals when a price has at most 6 (a millionth of a dollar per million tokens), so
 * {@code cost = in × p_in / 10^6 + out × p_out / 10^6} needs no rounding, and sums of costs stay exact in a long
 * (up to about 9.2 million USD per sum).
 */
public record Prices(BigDecimal usdPerMtokIn, BigDecimal usdPerMtokOut) {
    public static final String IN = "usd_per_mtok_in";
    public static final String OUT = "usd_per_mtok_out";
    /** The params this class reads; backends accept them and leave them alone. */
    public static final Set<String> PARAMS = Set.of(IN, OUT);
    /** Decimals a price may have: what keeps a cost a whole number of pico-dollars. */
    public static final int MAX_DECIMALS = 6;
    private static final BigDecimal PICO_PER_USD = BigDecimal.ONE.movePointRight(12);

    public Prices {
        usdPerMtokIn = check(IN, usdPerMtokIn);
        usdPerMtokOut = check(OUT, usdPerMtokOut);
    }

    /**
     * The prices in a target's params, empty when it names neither.
     *
     * @throws IllegalArgumentException naming the param, for a value that is not a non-negative decimal number with at
     *                                  most {@value #MAX_DECIMALS} decimals
     */
    public static Optional<Prices> fromParams(Map<String, String> params) {
        if (params == null || (!params.containsKey(IN) && !params.containsKey(OUT))) {
            return Optional.empty();
        }
        return Optional.of(new Prices(parse(params, IN), parse(params, OUT)));
    }

    /**
     * As {@link #fromParams}, but empty for prices that do not parse: for the scoring of replies, which must not fail on
     * a target that bypassed registration's check (its cost is then unknown, its answers still scored).
     */
    public static Optional<Prices> fromParamsOrNone(Map<String, String> params) {
        try {
            return fromParams(params);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The exact cost of {@code promptTokens} and {@code completionTokens}, in pico-dollars (10^-12 USD). */
    public long costPicoUsd(long promptTokens, long completionTokens) {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative: " + promptTokens + ", " + completionTokens);
        }
        // tokens × (USD / 10^6 tokens) = tokens × price × 10^-6 USD = tokens × price × 10^6 pico-USD
        BigDecimal pico = usdPerMtokIn.multiply(BigDecimal.valueOf(promptTokens))
                .add(usdPerMtokOut.multiply(BigDecimal.valueOf(completionTokens)))
                .movePointRight(6);
        return pico.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    /** The same cost in USD, exactly. */
    public BigDecimal costUsd(long promptTokens, long completionTokens) {
        return usd(costPicoUsd(promptTokens, completionTokens));
    }

    /** Pico-dollars as USD, exactly (scale 12). */
    public static BigDecimal usd(long picoUsd) {
        return BigDecimal.valueOf(picoUsd, 12);
    }

    /** USD as whole pico-dollars, for budgets given in USD (rounded down: a budget is never rounded up). */
    public static long picoUsd(BigDecimal usd) {
        return usd.multiply(PICO_PER_USD).setScale(0, RoundingMode.DOWN).longValueExact();
    }

    private static BigDecimal parse(Map<String, String> params, String key) {
        String v = params.get(key);
        if (v == null) {
            return BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of USD per million tokens, e.g. 0.15, got '" + v + "'");
        }
    }

    private static BigDecimal check(String key, BigDecimal price) {
        if (price == null || price.signum() < 0) {
            throw new IllegalArgumentException(key + " must be a non-negative number of USD per million tokens, got " + price);
        }
        BigDecimal p = price.stripTrailingZeros();
        if (p.scale() > MAX_DECIMALS) {
            throw new IllegalArgumentException(key + " may have at most " + MAX_DECIMALS + " decimals (USD per million "
                    + "tokens), got " + price.toPlainString());
        }
        return p.scale() < 0 ? p.setScale(0) : p;
    }
}
