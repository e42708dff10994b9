package dev.sycostream.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A set of request ids kept as 128-bit digests in two parallel {@code long} arrays (open addressing, linear
 * probing): 16 bytes per id in a table kept 30–60% full (27–53 bytes per id), where a {@code HashSet<String>} of ids like
 * {@code "base@v1|addition/123|with_opinion"} takes over 100 (see RequestIdSetTest). The {@link ReplyIndex} holds one entry per reply in
 * the replies topic (30 days' retention), so this is what bounds a worker's heap.
 *
 * <p>A digest stands for its id: two ids are confused only if their MD5 digests collide, about n² / 2¹²⁹ for n ids
 * (10⁻²³ at ten million), far below any hardware error rate. A false hit would skip a request that has no reply,
 * so the digest must be this wide; a 64-bit hash would make that a one-in-10⁵ event at ten million ids.
 *
 * <p>Thread-safe: the index's reader thread adds while the worker's loop looks up.
 */
final class RequestIdSet {
    private static final double MAX_LOAD = 0.6;
    /** (0, 0) marks an empty slot; the one id digesting to it is stored as (0, 1) instead (harmless: a 2⁻¹²⁸ event). */
    private long[] high;
    private long[] low;
    private int size;
    private final ThreadLocal<MessageDigest> md5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    });

    RequestIdSet() {
        high = new long[1024];
        low = new long[1024];
    }

    /** Adds {@code id}; true if it was not there yet. */
    boolean add(String id) {
        long[] d = digest(id);
        synchronized (this) {
            if (size + 1 > high.length * MAX_LOAD) {
                grow();
            }
            if (!insert(high, low, d[0], d[1])) {
                return false;
            }
            size++;
            return true;
        }
    }

    boolean contains(String id) {
        long[] d = digest(id);
        synchronized (this) {
            int mask = high.length - 1;
            for (int i = slot(d[0], mask); ; i = (i + 1) & mask) {
                if (high[i] == d[0] && low[i] == d[1]) {
                    return true;
                }
                if (high[i] == 0 && low[i] == 0) {
                    return false;
                }
            }
        }
    }

    synchronized int size() {
        return size;
    }

    private long[] digest(String id) {
        byte[] b = md5.get().digest(id.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (b[i] & 0xff);
            l = (l << 8) | (b[i + 8] & 0xff);
        }
        if (h == 0 && l == 0) {
            l = 1;
        }
        return new long[]{h, l};
    }

    private static int slot(long high, int mask) {
        // MD5 bits are uniform already; the low bits of the first half pick the slot.
        return (int) high & mask;
    }

    /** Inserts unless present; false if it was already there. Caller ensures a free slot exists. */
    private static boolean insert(long[] high, long[] low, long h, long l) {
        int mask = high.length - 1;
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            if (high[i] == h && low[i] == l) {
                return false;
            }
            if (high[i] == 0 && low[i] == 0) {
                high[i] = h;
                low[i] = l;
                return true;
            }
        }
    }

    private void grow() {
        long[] newHigh = new long[high.length * 2];
        long[] newLow = new long[low.length * 2];
        for (int i = 0; i < high.length; i++) {
            if (high[i] != 0 || low[i] != 0) {
                insert(newHigh, newLow, high[i], low[i]);
            }
        }
        high = newHigh;
        low = newLow;
    }
}
