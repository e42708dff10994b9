package dev.sycostream.keys;

import java.util.List;

/** The aggregation key of one metric of one target and task: "target|task|metric". */
public record MetricKey(String targetId, String task, String metric) {
    public MetricKey {
        CompositeKey.requireValidPart(targetId, "targetId");
        CompositeKey.requireValidPart(task, "task");
        CompositeKey.requireValidPart(metric, "metric");
    }

    /** The key text: "targetId|task|metric". */
    public String encode() {
        return CompositeKey.join(targetId, task, metric);
    }

    /** Parses what {@link #encode()} wrote; a key of another number of parts is an {@link IllegalArgumentException}. */
    public static MetricKey parse(String key) {
        List<String> p = CompositeKey.split(key, 3);
        return new MetricKey(p.get(0), p.get(1), p.get(2));
    }

    /** The key of this metric's result in a window ("cumulative", or e.g. "PT1M@windowStartMs"). */
    public ResultKey inWindow(String window) {
        return new ResultKey(targetId, task, metric, window);
    }
}
