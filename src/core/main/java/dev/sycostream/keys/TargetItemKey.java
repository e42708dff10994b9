package dev.sycostream.keys;

import java.util.List;

/**
 * One item as answered by one target: "target|item". The item id is an open tail (dataset item ids are not
 * checked for '|'), so it may contain the separator; the target id may not.
 */
public record TargetItemKey(String targetId, String itemId) {
    public TargetItemKey {
        CompositeKey.requireValidPart(targetId, "targetId");
        if (itemId == null) {
            throw new IllegalArgumentException("itemId is null");
        }
    }

    public String encode() {
        return CompositeKey.joinWithTail(targetId, itemId);
    }

    public static TargetItemKey parse(String key) {
        List<String> p = CompositeKey.splitWithTail(key, 2);
        return new TargetItemKey(p.get(0), p.get(1));
    }
}
