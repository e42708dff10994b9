package dev.sycostream.stats;

/**
 * Wilson score interval for a binomial proportion.
 *
 * <p>Chosen over the textbook normal ("Wald") interval because sycophancy rates are often near 0 or 1
 * and sample counts per window can be small: Wilson stays inside [0, 1] and keeps close to its nominal
 * coverage there, where Wald collapses to a zero-width interval.
 *
 * <pre>
 *   p = count / n,  c = z^2 / n
 *   centre    = (p + c/2) / (1 + c)
 *   halfWidth = z * sqrt(p(1-p)/n + z^2/(4 n^2)) / (1 + c)
 * </pre>
 */
public final class Wilson {
    /** Two-sided 95% normal quantile, Phi^-1(0.975). */
    public static final double Z_95 = 1.959963984540054;

    private Wilson() {
    }

    /** The 95% Wilson interval for {@code count} successes out of {@code n}; [0, 1] when n = 0. */
    public static Interval interval(long count, long n) {
        return interval(count, n, Z_95);
    }

    /** The Wilson interval for a given normal quantile z (e.g. 3.2905 for 99.9%). */
    public static Interval interval(long count, long n, double z) {
        if (n < 0 || count < 0 || count > n) {
            throw new IllegalArgumentException("need 0 <= count <= n, got count=" + count + ", n=" + n);
        }
        if (!(z > 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException("z must be positive and finite: " + z);
        }
        if (n == 0) {
            return new Interval(0.0, 1.0); // no data: anything is possible
        }
        double nn = n;
        double p = count / nn;
        double z2 = z * z;
        double denom = 1.0 + z2 / nn;
        double centre = (p + z2 / (2 * nn)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
        // At count = 0 or n the formula gives 0 or 1 up to rounding; pin them exactly.
        double low = count == 0 ? 0.0 : Math.max(0.0, centre - half);
        double high = count == n ? 1.0 : Math.min(1.0, centre + half);
        return new Interval(low, high);
    }
}
