package dev.sycostream.drift;

import dev.sycostream.avro.Alert;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.keys.AlertKey;
import dev.sycostream.stats.Interval;
import dev.sycostream.stats.Wilson;

/**
 * A drift episode as an {@link Alert} on the alerts topic of the monitoring stage: firing when it starts, cleared
 * when it ends, so the dashboard's banner and any alert consumer see drift like any other rule, once per episode.
 */
public final class DriftAlerts {
    /** The rule name of drift alerts; their key is "drift|target|task|metric". */
    static final String RULE = "drift";

    private DriftAlerts() {
    }

    public static String key(DriftRecord r) {
        return new AlertKey(RULE, r.getTargetId(), r.getTask(), r.getMetric()).encode();
    }

    /**
     * The comparator is the direction ({@code >} up, {@code <} down), the threshold the baseline rate, and the counts,
     * rate and interval are the recent probes' (since the CUSUM's change point).
     */
    public static Alert of(DriftRecord r) {
        Interval ci = Wilson.interval(r.getRecentCount(), r.getRecentN());
        boolean up = DriftCheck.UP.equals(r.getDirection());
        return Alert.newBuilder()
                .setRule(RULE).setTargetId(r.getTargetId()).setTask(r.getTask()).setMetric(r.getMetric())
                .setComparator(up ? ">" : "<").setThreshold(r.getBaselineRate())
                .setFiring("drift".equals(r.getEvent()))
                .setJudgedBound(up ? r.getCusumUp() : r.getCusumDown())
                .setCount(r.getRecentCount()).setN(r.getRecentN()).setRate(r.getRecentRate())
                .setCiLow(ci.low()).setCiHigh(ci.high())
                .setAtMs(r.getAtMs())
                .build();
    }
}
