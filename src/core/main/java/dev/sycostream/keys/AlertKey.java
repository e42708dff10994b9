package dev.sycostream.keys;

import java.util.List;

/** The key of an alert: "rule|target|task|metric". */
public record AlertKey(String rule, String targetId, String task, String metric) {
    public AlertKey {
        CompositeKey.requireValidPart(rule, "rule");
        CompositeKey.requireValidPart(targetId, "targetId");
        CompositeKey.requireValidPart(task, "task");
        CompositeKey.requireValidPart(metric, "metric");
    }

    /** The key text: "rule|targetId|task|metric". */
    public String encode() {
        return CompositeKey.join(rule, targetId, task, metric);
    }

    /** Parses what {@link #encode()} wrote; a key of another number of parts is an {@link IllegalArgumentException}. */
    public static AlertKey parse(String key) {
        List<String> p = CompositeKey.split(key, 4);
        return new AlertKey(p.get(0), p.get(1), p.get(2), p.get(3));
    }
}
