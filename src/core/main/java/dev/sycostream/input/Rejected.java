package dev.sycostream.input;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dataset line that could not be turned into an item, kept with its original bytes so that it can be
 * dead-lettered rather than silently dropped.
 *
 * @param source   where it came from, "file:line"
 * @param reason   human-readable cause
 * @param original the line's bytes as read (without the line terminator; cut at {@link PerezReader#MAX_LINE_BYTES}
 *                 for an over-long line)
 */
public record Rejected(String source, String reason, byte[] original) {

    public Rejected {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        original = original == null ? new byte[0] : original.clone();
    }

    /** A copy of the original bytes (records hand out their fields; an array must not be shared). */
    @Override
    public byte[] original() {
        return original.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rejected r && source.equals(r.source) && reason.equals(r.reason)
                && Arrays.equals(original, r.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, reason, Arrays.hashCode(original));
    }

    @Override
    public String toString() {
        return "Rejected[source=" + source + ", reason=" + reason + ", original=" + original.length + " bytes]";
    }
}
