package dev.sycostream.drift;

import dev.sycostream.avro.DriftState;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drift test's statistics alone, by Monte Carlo on Bernoulli outcomes (seeded, so the numbers below are
 * reproducible): the false-alarm rate under no change against the configured ARL0, and the detection delay of a
 * change like the simulated target's (sycophancy 0.2 → 0.6 at knowledge 0.9).
 */
class DriftCheckStatisticsTest {

    private static DriftState baseline(DriftCheck test, SplittableRandom rnd, double p, int n) {
        DriftState s = DriftCheck.empty();
        for (int i = 0; i < n; i++) {
            test.baseline(s, rnd.nextDouble() < p);
        }
        return s;
    }

    /**
     * No change: with ARL0 = 1,000 (a threshold low enough to see alarms in a test), alarms per probe observation
     * stay at or below 1 / ARL0, the baseline estimated from a finite evaluation included.
     */
    @Test
    void falseAlarmRateStaysBelowOneOverArl0WhenTheRateDoesNotChange() {
        DriftCheck test = new DriftCheck(new DriftSettings(0.1, 1_000, 50));
        SplittableRandom rnd = new SplittableRandom(20261127);
        long observations = 0;
        long alarms = 0;
        for (double p : new double[]{0.1, 0.28, 0.6, 0.85}) {
            for (int baselineN : new int[]{100, 2500}) {
                for (int replicate = 0; replicate < 5; replicate++) {
                    DriftState s = baseline(test, rnd, p, baselineN);
                    for (int i = 0; i < 100_000; i++) {
                        observations++;
                        if (test.probe(s, rnd.nextDouble() < p, i) == DriftCheck.Event.DRIFT) {
                            alarms++;
                            s.setDrifting(null); // count every false alarm: restart at once instead of waiting to clear
                        }
                    }
                }
            }
        }
        double rate = (double) alarms / observations;
        System.out.printf("drift false alarms at ARL0=1000 (h=%.2f): %d in %d probe observations = %.2e per observation%n",
                test.threshold(), alarms, observations, rate);
        assertThat(rate).isLessThanOrEqualTo(1.0 / 1_000);
    }

    /** At the default settings not one alarm in four million stable observations (expected at most 4). */
    @Test
    void defaultSettingsGiveNoFalseAlarmOverALongStableRun() {
        DriftCheck test = new DriftCheck(DriftSettings.DEFAULT);
        SplittableRandom rnd = new SplittableRandom(7);
        long alarms = 0;
        long observations = 0;
        for (double p : new double[]{0.1, 0.28, 0.6, 0.85}) {
            DriftState s = baseline(test, rnd, p, 2500);
            for (int i = 0; i < 1_000_000; i++) {
                observations++;
                if (test.probe(s, rnd.nextDouble() < p, i) == DriftCheck.Event.DRIFT) {
                    alarms++;
                    s.setDrifting(null);
                }
            }
        }
        System.out.printf("drift false alarms at the defaults (ARL0=1e6, h=%.2f): %d in %d probe observations%n",
                test.threshold(), alarms, observations);
        assertThat(alarms).isZero();
    }

    /**
     * agree_wrong_with_opinion of a simulated target with knowledge 0.9 moves from 0.2 + 0.8 * 0.1 = 0.28 to
     * 0.6 + 0.4 * 0.1 = 0.64 when its sycophancy moves from 0.2 to 0.6: detected in every replicate, within 250
     * probe observations of the metric (the median is about 100: h / E[log-likelihood ratio step]).
     */
    @Test
    void detectsTheSimulatedSycophancyChangeWithinABoundedNumberOfProbes() {
        DriftCheck test = new DriftCheck(DriftSettings.DEFAULT);
        SplittableRandom rnd = new SplittableRandom(11);
        int[] delays = new int[500];
        for (int r = 0; r < delays.length; r++) {
            DriftState s = baseline(test, rnd, 0.28, 2500);
            for (int i = 0; i < 200; i++) { // some stable probes first: none may alarm
                assertThat(test.probe(s, rnd.nextDouble() < 0.28, i)).isNotEqualTo(DriftCheck.Event.DRIFT);
            }
            int delay = 0;
            DriftCheck.Event e;
            do {
                delay++;
                e = test.probe(s, rnd.nextDouble() < 0.64, 200 + delay);
            } while (e != DriftCheck.Event.DRIFT && delay < 10_000);
            assertThat(s.getDrifting()).isEqualTo(DriftCheck.UP);
            delays[r] = delay;
        }
        Arrays.sort(delays);
        System.out.printf("drift detection delay 0.28 -> 0.64 (probe observations of the metric): median %d, 99th pct %d, max %d%n",
                delays[delays.length / 2], delays[delays.length * 99 / 100], delays[delays.length - 1]);
        assertThat(delays[delays.length - 1]).isLessThanOrEqualTo(250);
    }

    @Test
    void anEpisodeClearsOnceTheRateIsBackAtTheBaselineAndAlarmsOnlyOncePerEpisode() {
        DriftCheck test = new DriftCheck(DriftSettings.DEFAULT);
        SplittableRandom rnd = new SplittableRandom(3);
        DriftState s = baseline(test, rnd, 0.6, 1000);
        int drifts = 0;
        for (int i = 0; i < 3000; i++) { // down to 0.3 for a long time: one episode, not one per crossing
            if (test.probe(s, rnd.nextDouble() < 0.3, i) == DriftCheck.Event.DRIFT) {
                drifts++;
            }
        }
        assertThat(drifts).isEqualTo(1);
        assertThat(s.getDrifting()).isEqualTo(DriftCheck.DOWN);
        assertThat((double) s.getDownCount() / s.getDownN()).isBetween(0.25, 0.35);
        int cleared = -1;
        for (int i = 0; i < 3000 && cleared < 0; i++) {
            if (test.probe(s, rnd.nextDouble() < 0.6, 3000 + i) == DriftCheck.Event.CLEARED) {
                cleared = i + 1;
            }
        }
        assertThat(cleared).as("probes until cleared").isBetween(1, 400);
        assertThat(s.getDrifting()).isNull();
        assertThat(s.getEpisode()).isEqualTo(1);
    }

    @Test
    void probesAreNotJudgedBeforeTheBaselineIsLargeEnough() {
        DriftCheck test = new DriftCheck(new DriftSettings(0.1, 1000, 50));
        DriftState s = DriftCheck.empty();
        for (int i = 0; i < 49; i++) {
            test.baseline(s, false);
        }
        assertThat(test.probe(s, true, 0)).isEqualTo(DriftCheck.Event.SKIPPED);
        test.baseline(s, false);
        // baseline 0/50: only the upward side can be tested (the lower bound is 0)
        assertThat(test.probe(s, true, 1)).isEqualTo(DriftCheck.Event.UPDATE);
        assertThat(s.getCusumUp()).isPositive();
        assertThat(s.getCusumDown()).isZero();
    }
}
