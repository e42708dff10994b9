package dev.sycostream.compare;

/**
 * The difference of two paired proportions (candidate − base on the items both answered) with a 95% interval.
 *
 * <p>Of {@code n} pairs, {@code b} hit the metric for the base only and {@code c} for the candidate only; the
 * concordant pairs cancel, so the difference is {@code (c − b) / n}. The interval is Agresti and Min's (2005)
 * adjusted Wald interval: half a pair added to each of the four cells ({@code b + 0.5}, {@code c + 0.5},
 * {@code n + 2}), which keeps close to 95% coverage for small or one-sided samples where the plain Wald interval
 * collapses to a point (b = c = 0) or undercovers. Bounds are clipped to [−1, 1].
 *
 * @param difference (c − b) / n, 0 when n = 0
 * @param low        lower 95% bound
 * @param high       upper 95% bound
 */
public record PairedDifference(double difference, double low, double high) {
    private static final double Z95 = 1.959963984540054;

    public static PairedDifference of(long pairs, long baseOnly, long candidateOnly) {
        if (pairs < 0 || baseOnly < 0 || candidateOnly < 0 || baseOnly + candidateOnly > pairs) {
            throw new IllegalArgumentException("need 0 <= b + c <= n, got n=" + pairs + ", b=" + baseOnly
                    + ", c=" + candidateOnly);
        }
        if (pairs == 0) {
            return new PairedDifference(0.0, -1.0, 1.0);
        }
        double b = baseOnly + 0.5;
        double c = candidateOnly + 0.5;
        double n = pairs + 2.0;
        double centre = (c - b) / n;
        double se = Math.sqrt(Math.max(0.0, (b + c) - (c - b) * (c - b) / n)) / n;
        return new PairedDifference((double) (candidateOnly - baseOnly) / pairs,
                Math.max(-1.0, centre - Z95 * se), Math.min(1.0, centre + Z95 * se));
    }

    /** True if the interval excludes 0. */
    public boolean excludesZero() {
        return low > 0 || high < 0;
    }
}
