package dev.sycostream.stages.fanout;

import dev.sycostream.avro.FanoutProgressState;

/**
 * How far one task has fanned its stored items out to one target: the target registration it serves, whether
 * the scan is done, and the last item key sent (items are scanned in key order, in chunks).
 * Stored as a {@link FanoutProgressState} record; a value of the text this store held before that is read by
 * {@link LegacyFanoutProgressText}.
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

    /** The progress a store holds, or null when it holds none. */
    static FanoutProgress fromState(FanoutProgressState state) {
        return state == null ? null : new FanoutProgress(state.getRegisteredAtMs(), state.getDone(), state.getCursor());
    }

    /** The record the store keeps. */
    FanoutProgressState toState() {
        return new FanoutProgressState(registeredAtMs, done, cursor);
    }
}
