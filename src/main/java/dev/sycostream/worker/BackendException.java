package dev.sycostream.worker;

/**
 * A backend could not answer a request. Checked, so that every caller decides what a failed completion
 * means: the worker turns it into a {@code ModelReply} with {@code error} set instead of losing the request.
 *
 * <p>{@link #isTransient()} separates "try again" (timeouts, overload, connection resets) from failures that
 * would repeat identically (unknown backend, invalid params, a request the backend cannot handle), which are
 * not retried.
 */
public class BackendException extends Exception {
    private final boolean transientFailure;

    /** A permanent failure: retrying would give the same result. */
    public BackendException(String message) {
        this(message, false, null);
    }

    public BackendException(String message, boolean transientFailure) {
        this(message, transientFailure, null);
    }

    public BackendException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** Whether the same request may succeed when tried again. */
    public boolean isTransient() {
        return transientFailure;
    }
}
