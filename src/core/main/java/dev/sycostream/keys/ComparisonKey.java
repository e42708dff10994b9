package dev.sycostream.keys;

import java.util.List;

/** The key of a checkpoint comparison: "base|candidate|task|metric". */
public record ComparisonKey(String baseTarget, String candidateTarget, String task, String metric) {
    public ComparisonKey {
        CompositeKey.requireValidPart(baseTarget, "baseTarget");
        CompositeKey.requireValidPart(candidateTarget, "candidateTarget");
        CompositeKey.requireValidPart(task, "task");
        CompositeKey.requireValidPart(metric, "metric");
    }

    /** The key text: "baseTarget|candidateTarget|task|metric". */
    public String encode() {
        return CompositeKey.join(baseTarget, candidateTarget, task, metric);
    }

    /** Parses what {@link #encode()} wrote; a key of another number of parts is an {@link IllegalArgumentException}. */
    public static ComparisonKey parse(String key) {
        List<String> p = CompositeKey.split(key, 4);
        return new ComparisonKey(p.get(0), p.get(1), p.get(2), p.get(3));
    }
}
