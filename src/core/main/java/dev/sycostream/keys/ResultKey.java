package dev.sycostream.keys;

import java.util.List;

/** The key of a published metric result: "target|task|metric|window", the window being "cumulative" or e.g. "PT1M@windowStartMs". */
public record ResultKey(String targetId, String task, String metric, String window) {
    public ResultKey {
        CompositeKey.requireValidPart(targetId, "targetId");
        CompositeKey.requireValidPart(task, "task");
        CompositeKey.requireValidPart(metric, "metric");
        CompositeKey.requireValidPart(window, "window");
    }

    /** The key text: "targetId|task|metric|window". */
    public String encode() {
        return CompositeKey.join(targetId, task, metric, window);
    }

    /** Parses what {@link #encode()} wrote; a key of another number of parts is an {@link IllegalArgumentException}. */
    public static ResultKey parse(String key) {
        List<String> p = CompositeKey.split(key, 4);
        return new ResultKey(p.get(0), p.get(1), p.get(2), p.get(3));
    }

    /** The metric this is a result of. */
    public MetricKey metricKey() {
        return new MetricKey(targetId, task, metric);
    }
}
