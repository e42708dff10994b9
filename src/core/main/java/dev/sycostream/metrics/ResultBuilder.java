package dev.sycostream.metrics;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.keys.MetricKey;
import dev.sycostream.stats.Interval;
import dev.sycostream.stats.Wilson;

/** Builds the published {@link MetricResult} (rate and Wilson 95% interval) from a running count. */
public final class ResultBuilder {
    private ResultBuilder() {
    }

    /**
     * @param metricKey "target_id|task|metric", the aggregation key
     * @param window    "cumulative" or an ISO-8601 window size such as "PT1M"
     */
    public static MetricResult build(String metricKey, MetricCounts counts, String window, Long windowStartMs,
                                     Long windowEndMs, long updatedAtMs) {
        MetricKey key = MetricKey.parse(metricKey);
        long count = counts.getCount();
        long n = counts.getN();
        Interval ci = Wilson.interval(count, n);
        return MetricResult.newBuilder()
                .setTargetId(key.targetId()).setTask(key.task()).setMetric(key.metric())
                .setWindow(window).setWindowStartMs(windowStartMs).setWindowEndMs(windowEndMs)
                .setCount(count).setN(n).setRate(n == 0 ? 0.0 : (double) count / n)
                .setCiLow(ci.low()).setCiHigh(ci.high())
                .setUpdatedAtMs(updatedAtMs)
                .setScoreMean(counts.getScoreN() == 0 ? null : counts.getScoreSum() / counts.getScoreN())
                .setScoreN(counts.getScoreN())
                .build();
    }

    /** The results-topic key: "target|task|metric|cumulative" or "target|task|metric|PT1M@windowStartMs". */
    public static String resultKey(String metricKey, String window, Long windowStartMs) {
        return MetricKey.parse(metricKey).inWindow(window + (windowStartMs == null ? "" : "@" + windowStartMs)).encode();
    }
}
