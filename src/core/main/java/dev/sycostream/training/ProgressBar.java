package dev.sycostream.training;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A one-line textual progress bar, {@code [#####-----] 50% 500/1000}, redrawn in place with {@code \r} at most
 * about ten times a second (the first and the final state are always drawn), ended with a newline. Prints
 * nothing at all when the total is 0. Meant for stderr, so that stdout stays clean for results.
 */
public final class ProgressBar implements ProgressListener {
    public static final int DEFAULT_WIDTH = 10;
    /** Minimum time between two redraws: 100 ms, i.e. at most ~10 redraws a second. */
    static final long REDRAW_INTERVAL_NANOS = 100_000_000L;

    private final PrintStream out;
    private final int width;
    private final LongSupplier nanoClock;
    private boolean drawn;
    private boolean ended;
    private long lastDrawNanos;
    private long lastDone = -1;
    private long lastTotal;
    private long pendingDone = -1;

    /** A bar of {@value #DEFAULT_WIDTH} characters on {@code System.err}. */
    public ProgressBar() {
        this(System.err, DEFAULT_WIDTH, System::nanoTime);
    }

    /**
     * @param width     characters between the brackets, at least 1
     * @param nanoClock source of {@link System#nanoTime()}-like readings (tests pass a fake clock)
     */
    public ProgressBar(PrintStream out, int width, LongSupplier nanoClock) {
        if (width < 1) {
            throw new IllegalArgumentException("progress bar width must be at least 1, got " + width);
        }
        this.out = out;
        this.width = width;
        this.nanoClock = nanoClock;
    }

    @Override
    public void update(long done, long total) {
        if (total <= 0 || ended) {
            return;
        }
        long now = nanoClock.getAsLong();
        boolean complete = done >= total;
        if (!drawn || complete || now - lastDrawNanos >= REDRAW_INTERVAL_NANOS) {
            draw(done, total, now);
            if (complete) {
                end();
            }
        } else {
            pendingDone = done;
            lastTotal = total;
        }
    }

    @Override
    public void finish() {
        if (ended || !drawn) {
            return;
        }
        if (pendingDone > lastDone) {
            draw(pendingDone, lastTotal, nanoClock.getAsLong()); // show where it stopped, not an older state
        }
        end();
    }

    private void draw(long done, long total, long now) {
        out.print("\r" + render(done, total, width));
        out.flush();
        drawn = true;
        lastDrawNanos = now;
        lastDone = done;
        lastTotal = total;
        pendingDone = -1;
    }

    private void end() {
        out.println();
        out.flush();
        ended = true;
    }

    /** The bar for {@code done} of {@code total} without the leading {@code \r}; for tests and logs. */
    static String render(long done, long total, int width) {
        long clamped = Math.max(0, Math.min(done, total));
        int filled = (int) (clamped * width / total);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + clamped * 100 / total + "% " + done + "/" + total;
    }
}
