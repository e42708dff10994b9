package dev.sycostream.compare;

/**
 * The exact McNemar test: two-sided binomial test of the discordant pairs. With b pairs where only the base
 * hits the metric and c where only the candidate does, under "no difference" each discordant pair is either
 * way with probability 1/2, so p = min(1, 2 P[X &lt;= min(b, c)]) for X ~ Bin(b + c, 1/2); p = 1 without
 * discordant pairs.
 *
 * <p>Computed in log space (log binomial coefficients summed incrementally, terms added by log-sum-exp), so it
 * is exact to double precision for any n, where 2^-n itself underflows past n = 1074.
 */
public final class McNemar {
    private static final double LN2 = Math.log(2);

    private McNemar() {
    }

    public static double pValue(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("discordant pair counts must be non-negative, got b=" + b + ", c=" + c);
        }
        long n = b + c;
        if (Math.abs(b - c) <= 1) {
            return 1.0; // P[X <= min(b, c)] >= 1/2 exactly; avoid returning 0.9999999999999992 from rounding
        }
        long k = Math.min(b, c);
        // log P[X = i] = log C(n, i) - n log 2; sum over i = 0..k by log-sum-exp around the largest term (i = k).
        double[] logTerms = new double[(int) Math.min(k + 1, Integer.MAX_VALUE - 8)];
        if (k + 1 > logTerms.length) {
            throw new IllegalArgumentException("too many discordant pairs for the exact test: " + n);
        }
        double logC = 0.0;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                logC += Math.log((double) (n - i + 1)) - Math.log(i);
            }
            logTerms[i] = logC - n * LN2;
            max = Math.max(max, logTerms[i]);
        }
        double sum = 0.0;
        for (double t : logTerms) {
            sum += Math.exp(t - max);
        }
        double logTail = max + Math.log(sum);
        return Math.min(1.0, 2.0 * Math.exp(logTail));
    }
}
