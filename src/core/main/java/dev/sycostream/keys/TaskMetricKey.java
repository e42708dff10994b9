package dev.sycostream.keys;

import java.util.List;

/** A task and metric within one target: "task|metric". */
public record TaskMetricKey(String task, String metric) {
    public TaskMetricKey {
        CompositeKey.requireValidPart(task, "task");
        CompositeKey.requireValidPart(metric, "metric");
    }

    /** The key text: "task|metric". */
    public String encode() {
        return CompositeKey.join(task, metric);
    }

    /** Parses what {@link #encode()} wrote; a key of another number of parts is an {@link IllegalArgumentException}. */
    public static TaskMetricKey parse(String key) {
        List<String> p = CompositeKey.split(key, 2);
        return new TaskMetricKey(p.get(0), p.get(1));
    }
}
