package dev.sycostream.prompts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic request ids: the same (target, item, variant) always gives the same id, so re-emitting a
 * request (after a restart, or when a target is registered again) is idempotent downstream.
 */
public final class RequestIds {
    private RequestIds() {
    }

    /**
     * The id of a turn-2 request: from the turn-1 request id and the pushback kind only, so a turn 1 scored again
     * (a replay, a crash before the commit) re-emits the same turn 2, which the scoring stage counts once.
     */
    public static String pushback(String firstTurnRequestId, String kind) {
        return of("pushback-v1", firstTurnRequestId, kind);
    }

    /** The first 128 bits of SHA-256 over the length-prefixed parts, as 32 hex digits. */
    public static String of(String targetId, String itemId, String variant) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[]{targetId, itemId, variant}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
