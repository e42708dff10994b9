package dev.sycostream.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 128-bit MD5 digest that stands for a request id in the {@link AnsweredRequests} index: 16 bytes, where ids
 * like {@code "base@v1|addition/123|with_opinion"} take 30 to 60.
 *
 * <p>Two ids are confused only if their digests collide, about n² / 2¹²⁹ for n ids (10⁻²³ at ten million), far
 * below any hardware error rate. A false hit would skip a request that has no reply, so the digest must be this
 * wide; a 64-bit hash would make that a one-in-10⁵ event at ten million ids.
 */
final class RequestDigest {
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    });

    private RequestDigest() {
    }

    static byte[] of(String requestId) {
        return MD5.get().digest(requestId.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of a reply's key (the request id's UTF-8 bytes, as the worker writes it). */
    static byte[] ofKey(byte[] key) {
        return MD5.get().digest(key);
    }
}
