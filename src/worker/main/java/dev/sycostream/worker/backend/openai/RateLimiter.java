package dev.sycostream.worker.backend.openai;

import java.util.function.LongSupplier;

/**
 * Spaces requests to one target at most {@code perSecond} apart, without blocking: each caller reserves the
 * next free slot and is told how long to wait for it, so the worker thread never sleeps and the other targets
 * are not held up.
 */
final class RateLimiter {
    private final long intervalNanos;
    private final LongSupplier clock;
    private long nextFreeNanos;

    /** @param perSecond requests per second; 0 or less = unlimited */
    RateLimiter(double perSecond, LongSupplier nanoClock) {
        this.intervalNanos = perSecond > 0 ? (long) (1_000_000_000L / perSecond) : 0;
        this.clock = nanoClock;
        this.nextFreeNanos = nanoClock.getAsLong();
    }

    /** Reserves a slot; returns how many nanoseconds to wait before sending (0 = now). */
    synchronized long reserve() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = clock.getAsLong();
        long slot = Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + intervalNanos;
        return slot - now;
    }
}
