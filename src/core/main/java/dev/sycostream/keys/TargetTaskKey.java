package dev.sycostream.keys;

import java.util.List;

/** One task of one target: "target|task", the key of the usage aggregation. */
public record TargetTaskKey(String targetId, String task) {
    public TargetTaskKey {
        CompositeKey.requireValidPart(targetId, "targetId");
        CompositeKey.requireValidPart(task, "task");
    }

    /** The key text: "targetId|task". */
    public String encode() {
        return CompositeKey.join(targetId, task);
    }

    /** Parses what {@link #encode()} wrote; a key of another number of parts is an {@link IllegalArgumentException}. */
    public static TargetTaskKey parse(String key) {
        List<String> p = CompositeKey.split(key, 2);
        return new TargetTaskKey(p.get(0), p.get(1));
    }

    /** The key of this target × task's usage in a window: "target|task|cumulative" or "target|task|PT1M@startMs". */
    public String inWindow(String window) {
        CompositeKey.requireValidPart(window, "window");
        return CompositeKey.join(targetId, task, window);
    }
}
