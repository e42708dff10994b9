package dev.sycostream.app;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How often a stream thread that died of a transient failure (the schema registry failing, unreachable or racing
 * another writer) is replaced, and how long to wait first. The thread's tasks are then re-run from their last
 * committed offsets, so the record that met the failure is processed again rather than dead-lettered. A failure
 * that keeps coming back is not transient after all: after {@value #MAX_IN_WINDOW} replacements within
 * {@link #WINDOW} the pipeline stops, so that an orchestrator restarts it (or someone looks) instead of it spinning.
 */
final class ThreadReplacements {
    static final int MAX_IN_WINDOW = 30;
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final long FIRST_DELAY_MS = 250;
    private static final long MAX_DELAY_MS = 5_000;

    private final LongSupplier nanoTime;
    private long windowStart;
    private int inWindow;

    ThreadReplacements(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    /** The wait before the next replacement, or -1 when the budget is spent and the pipeline should stop. */
    synchronized long nextDelayMs() {
        long now = nanoTime.getAsLong();
        if (now - windowStart > WINDOW.toNanos()) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= MAX_IN_WINDOW) {
            return -1;
        }
        long delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(inWindow, 10));
        inWindow++;
        return delay;
    }
}
