package dev.sycostream.drift;

import dev.sycostream.avro.DriftState;
import dev.sycostream.stats.Interval;
import dev.sycostream.stats.Wilson;

/**
 * The sequential drift test of one target × task × metric: the probes' 0/1 outcomes against the baseline rate,
 * with two one-sided Bernoulli CUSUMs (up and down).
 *
 * <h2>Baseline</h2>
 * The target's evaluation of the stored items (every answer that is not a probe). It is an estimate, so each side
 * is tested against the bound of its Wilson 95% interval that is least likely to alarm: the upward CUSUM tests
 * p0 = the upper bound against p0 + delta, the downward one the lower bound against that minus delta. A rate at
 * or inside the interval therefore drifts each statistic down, and the false-alarm bound of {@link DriftSettings}
 * holds whenever the interval covers the true rate. A side whose bound is 0 or 1 is not tested (e.g. the upward
 * test of a rate observed as 100/100).
 *
 * <h2>Episodes</h2>
 * When a statistic reaches h an episode starts (one drift record, one alert); both statistics then rest and a
 * reverse CUSUM (p0 + delta against p0, or p0 - delta against p0) collects evidence that the rate is back at the
 * baseline; when it reaches h the episode ends (one 'cleared' record, the alert clears) and detection restarts.
 */
public final class DriftCheck {
    /** What an observation did to the state. */
    public enum Event { SKIPPED, UPDATE, DRIFT, CLEARED }

    public static final String UP = "up";
    public static final String DOWN = "down";

    private final DriftSettings settings;
    private final double h;

    public DriftCheck(DriftSettings settings) {
        this.settings = settings;
        this.h = settings.threshold();
    }

    public DriftSettings settings() {
        return settings;
    }

    public double threshold() {
        return h;
    }

    public static DriftState empty() {
        return DriftState.newBuilder().build();
    }

    /** A baseline (evaluation) answer. */
    public void baseline(DriftState s, boolean hit) {
        s.setBaselineCount(s.getBaselineCount() + (hit ? 1 : 0));
        s.setBaselineN(s.getBaselineN() + 1);
    }

    /** A probe answer: updates the statistics, and says whether an episode started or ended. */
    public Event probe(DriftState s, boolean hit, long atMs) {
        if (s.getBaselineN() < settings.minBaseline()) {
            return Event.SKIPPED;
        }
        s.setProbes(s.getProbes() + 1);
        Interval ci = Wilson.interval(s.getBaselineCount(), s.getBaselineN());
        BernoulliCusum up = upward(ci.low(), ci.high());
        BernoulliCusum down = downward(ci.low(), ci.high());
        String drifting = s.getDrifting();
        if (drifting != null) {
            // Evidence for "back at the baseline": the reverse of the test that alarmed.
            BernoulliCusum alarmed = UP.equals(drifting) ? up : down;
            count(s, drifting, hit);
            if (alarmed == null) {
                return Event.UPDATE; // the baseline moved to the edge meanwhile: no test to clear with
            }
            BernoulliCusum back = reverse(alarmed);
            s.setRecovery(back.next(s.getRecovery(), hit));
            if (s.getRecovery() >= h) {
                s.setDrifting(null);
                s.setRecovery(0.0);
                return Event.CLEARED;
            }
            return Event.UPDATE;
        }
        if (up != null) {
            double before = s.getCusumUp();
            s.setCusumUp(up.next(before, hit));
            if (before == 0) {
                s.setUpCount(0L);
                s.setUpN(0L);
            }
            count(s, UP, hit);
        }
        if (down != null) {
            double before = s.getCusumDown();
            s.setCusumDown(down.next(before, hit));
            if (before == 0) {
                s.setDownCount(0L);
                s.setDownN(0L);
            }
            count(s, DOWN, hit);
        }
        String alarm = s.getCusumUp() >= h ? UP : s.getCusumDown() >= h ? DOWN : null;
        if (alarm == null) {
            return Event.UPDATE;
        }
        s.setDrifting(alarm);
        s.setLastDirection(alarm);
        s.setEpisode(s.getEpisode() + 1);
        s.setEpisodeStartedMs(atMs);
        s.setRecovery(0.0);
        s.setCusumUp(0.0);
        s.setCusumDown(0.0);
        return Event.DRIFT;
    }

    /** Hits and observations since the deciding statistic last restarted: the CUSUM's estimate of the change point. */
    private static void count(DriftState s, String side, boolean hit) {
        if (UP.equals(side)) {
            s.setUpCount(s.getUpCount() + (hit ? 1 : 0));
            s.setUpN(s.getUpN() + 1);
        } else {
            s.setDownCount(s.getDownCount() + (hit ? 1 : 0));
            s.setDownN(s.getDownN() + 1);
        }
    }

    private BernoulliCusum upward(double low, double high) {
        if (high <= 0 || high >= 1) {
            return null;
        }
        double p1 = Math.min(high + settings.delta(), (1 + high) / 2); // stays below 1 near the top
        return BernoulliCusum.of(high, p1);
    }

    private BernoulliCusum downward(double low, double high) {
        if (low <= 0 || low >= 1) {
            return null;
        }
        double p1 = Math.max(low - settings.delta(), low / 2);
        return BernoulliCusum.of(low, p1);
    }

    private static BernoulliCusum reverse(BernoulliCusum c) {
        return new BernoulliCusum(-c.hitStep(), -c.missStep());
    }
}
