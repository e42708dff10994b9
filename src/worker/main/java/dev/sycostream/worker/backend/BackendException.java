package dev.sycostream.worker.backend;

import java.time.Duration;
import java.util.Optional;

/**
 * A backend could not answer a request. Checked, so that every caller decides what a failed completion
 * means: the worker turns it into a {@code ModelReply} with {@code error} set (and a dead letter) instead of
 * losing the request.
 *
 * <p>{@link #isTransient()} separates "try again" (timeouts, overload, connection resets) from failures that
 * would repeat identically (unknown backend, invalid params, a request the backend cannot handle), which are
 * not retried. HTTP backends also say which status the server answered and how long it asked us to wait
 * ({@code Retry-After}), so the worker's backoff can honour it.
 */
public class BackendException extends Exception {
    private final boolean transientFailure;
    private final Integer httpStatus;
    private final Duration retryAfter;

    /** A permanent failure: retrying would give the same result. */
    public BackendException(String message) {
        this(message, false, null);
    }

    public BackendException(String message, boolean transientFailure) {
        this(message, transientFailure, null);
    }

    public BackendException(String message, boolean transientFailure, Throwable cause) {
        this(message, transientFailure, null, null, cause);
    }

    /**
     * @param httpStatus the server's status, or null when no HTTP answer arrived
     * @param retryAfter how long the server asked to wait before retrying (its {@code Retry-After}), or null
     */
    public BackendException(String message, boolean transientFailure, Integer httpStatus, Duration retryAfter,
                            Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /** Whether the same request may succeed when tried again. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** The HTTP status the model server answered, when there was one. */
    public Optional<Integer> httpStatus() {
        return Optional.ofNullable(httpStatus);
    }

    /** The wait the server asked for before the next attempt, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
