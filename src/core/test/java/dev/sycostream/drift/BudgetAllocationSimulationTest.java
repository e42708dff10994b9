package dev.sycostream.drift;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulation study (issue 20, budget-aware allocation): under a spend budget, do probes bought where a stratum's rate
 * is most uncertain per unit cost detect a drift sooner, in money, than the scheduler's uniform rounds (one probe per
 * task × variant stratum per round)? The scheduler does not use the cost-aware rule; this measures what it would buy.
 *
 * <p>Strata, rates and costs are those of the demo: the rates of the low-sycophancy "intervened" target (README), the
 * costs of its probes with the simulated model's word counts at 0.15 / 0.6 USD per million tokens (prompt words per
 * request from the demo's usage: addition 39, nlp_survey 81.8, philpapers2020 62.7, political_typology_quiz 71.8;
 * completion 2, 2, 2.7, 10.3). One stratum's rate rises by δ = 0.1 after a warm-up; a one-sided Bernoulli CUSUM per
 * stratum (h = ln(2 × 10^4)) must see it. Cost-aware allocation: the next probe goes to the stratum maximising
 * p(1 - p) / (n (n + 1) c), the variance its next observation removes per unit cost (which tends to Neyman's
 * n_k ∝ sqrt(p_k (1 - p_k) / c_k)). Delay-aware allocation: shares n_k ∝ sqrt(D_k / c_k), D_k = h / KL(p_k + δ ‖ p_k)
 * the CUSUM's expected observations to detect, which minimises the mean money-to-detection Σ D_k c / n_k over
 * strata equally likely to drift (Lagrange), probes sent to the stratum furthest below its share.
 */
class BudgetAllocationSimulationTest {
    private static final String[] STRATA = {"addition/no_opinion agree_wrong", "addition/with_opinion agree_wrong",
            "nlp_survey sycophancy", "philpapers2020 sycophancy", "political_typology_quiz sycophancy"};
    private static final double[] RATE = {0.098, 0.189, 0.49, 0.37, 0.55};
    /** Micro-USD per probe: prompt words × 0.15 + completion words × 0.6. */
    private static final double[] COST = {39 * 0.15 + 2 * 0.6, 39 * 0.15 + 2 * 0.6, 81.8 * 0.15 + 2 * 0.6,
            62.7 * 0.15 + 2.7 * 0.6, 71.8 * 0.15 + 10.3 * 0.6};
    private static final double DELTA = 0.1;
    private static final double H = Math.log(2e4);
    private static final int WARMUP = 200; // probes before the change, so the CUSUMs start from their in-control state

    enum Allocation { UNIFORM, VARIANCE_PER_COST, DELAY_PER_COST }

    /** Shares of the delay-aware allocation, ∝ sqrt(D_k / c_k). */
    private static double[] delayShares() {
        double[] w = new double[STRATA.length];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            double p0 = RATE[i];
            double p1 = p0 + DELTA;
            double kl = p1 * Math.log(p1 / p0) + (1 - p1) * Math.log((1 - p1) / (1 - p0));
            w[i] = Math.sqrt(H / kl / COST[i]);
            sum += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Money (micro-USD) spent from the change until the changed stratum's CUSUM alarms; -1 if never within the cap. */
    private static double delay(Allocation allocation, int changed, Random random) {
        double[] shares = delayShares();
        int k = STRATA.length;
        BernoulliCusum[] cusum = new BernoulliCusum[k];
        for (int i = 0; i < k; i++) {
            cusum[i] = BernoulliCusum.of(RATE[i], RATE[i] + DELTA);
        }
        double[] s = new double[k];
        long[] n = new long[k];
        double spentAfter = 0;
        int next = 0;
        for (long probe = 0; probe < 2_000_000; probe++) {
            int i;
            if (allocation == Allocation.DELAY_PER_COST) {
                i = 0;
                double deficit = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double d = shares[j] * (probe + 1) - n[j];
                    if (d > deficit) {
                        deficit = d;
                        i = j;
                    }
                }
            } else if (allocation == Allocation.VARIANCE_PER_COST) {
                i = 0;
                double best = -1;
                for (int j = 0; j < k; j++) {
                    double gain = RATE[j] * (1 - RATE[j]) / ((n[j] + 1.0) * (n[j] + 2.0) * COST[j]);
                    if (gain > best) {
                        best = gain;
                        i = j;
                    }
                }
            } else {
                i = next;
                next = (next + 1) % k;
            }
            boolean after = probe >= WARMUP;
            double p = RATE[i] + (after && i == changed ? DELTA : 0);
            boolean hit = random.nextDouble() < p;
            n[i]++;
            s[i] = cusum[i].next(s[i], hit);
            if (after) {
                spentAfter += COST[i];
                if (i == changed && s[i] >= H) {
                    return spentAfter;
                }
            }
        }
        return -1;
    }

    @Test
    void delayAwareAllocationDetectsADriftForLessMoneyThanUniformRounds() {
        int replicates = 4_000;
        double[] sums = new double[3];
        double[] variances = new double[3]; // of the mean over strata
        StringBuilder table = new StringBuilder();
        double[] shares = delayShares();
        for (int changed = 0; changed < STRATA.length; changed++) {
            double[] mean = new double[3];
            for (Allocation a : Allocation.values()) {
                Random random = new Random(1000 + changed); // the same seed for each allocation
                double sq = 0;
                for (int r = 0; r < replicates; r++) {
                    double d = delay(a, changed, random);
                    assertThat(d).as("detected").isPositive();
                    mean[a.ordinal()] += d / replicates;
                    sq += d * d / replicates;
                }
                sums[a.ordinal()] += mean[a.ordinal()] / STRATA.length;
                double var = (sq - mean[a.ordinal()] * mean[a.ordinal()]) * replicates / (replicates - 1.0);
                variances[a.ordinal()] += var / replicates / (STRATA.length * STRATA.length);
            }
            table.append(String.format(Locale.ROOT, "| %s | %.2f | %.3f | %.0f | %.0f (%+.1f%%) | %.0f (%+.1f%%) |%n",
                    STRATA[changed], COST[changed], shares[changed], mean[0], mean[1], pct(mean[1], mean[0]), mean[2],
                    pct(mean[2], mean[0])));
        }
        System.err.print(table);
        System.err.printf(Locale.ROOT, "| mean over strata (± s.e.) | | | %.0f ± %.0f | %.0f ± %.0f (%+.1f%%) | %.0f ± %.0f (%+.1f%%) |%n",
                sums[0], Math.sqrt(variances[0]), sums[1], Math.sqrt(variances[1]), pct(sums[1], sums[0]),
                sums[2], Math.sqrt(variances[2]), pct(sums[2], sums[0]));
        assertThat(sums[2]).as("mean money to detection, delay-aware vs uniform").isLessThan(sums[0]);
    }

    private static double pct(double x, double base) {
        return 100 * (x - base) / base;
    }
}
