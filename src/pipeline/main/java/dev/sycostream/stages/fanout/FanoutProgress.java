package dev.sycostream.stages.fanout;

import dev.sycostream.keys.CompositeKey;

import java.util.List;

/**
 * How far one task has fanned its stored items out to one target: the target registration it serves, whether
 * the scan is done, and the last item key sent (items are scanned in key order, in chunks).
 * Stored as text "registeredAt|done|cursor" so the store needs no schema.
 */
record FanoutProgress(long registeredAtMs, boolean done, String cursor) {

    static FanoutProgress started(long registeredAtMs) {
        return new FanoutProgress(registeredAtMs, false, "");
    }

    /** Whether an item with this key has already been (or is about to be) sent to the target by the scan. */
    boolean covers(String itemKey) {
        return done || (!cursor.isEmpty() && itemKey.compareTo(cursor) <= 0);
    }

    FanoutProgress advancedTo(String key) {
        return new FanoutProgress(registeredAtMs, false, key);
    }

    FanoutProgress finished() {
        return new FanoutProgress(registeredAtMs, true, cursor);
    }

    String encode() {
        // the cursor (an item key, "" before the first) is the open tail: it may be empty and contain '|'
        return CompositeKey.joinWithTail(Long.toString(registeredAtMs), Boolean.toString(done), cursor);
    }

    static FanoutProgress decode(String s) {
        List<String> parts = CompositeKey.splitWithTail(s, 3);
        return new FanoutProgress(Long.parseLong(parts.get(0)), Boolean.parseBoolean(parts.get(1)), parts.get(2));
    }
}
