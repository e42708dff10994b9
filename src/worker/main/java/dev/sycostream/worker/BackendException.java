package dev.sycostream.worker;

import java.time.Duration;

/**
 * The worker's name for {@link dev.sycostream.worker.backend.BackendException}, kept so code written against
 * {@code dev.sycostream.worker.BackendException} still compiles. The type moved to {@code worker.backend} so that
 * the backends need nothing from this package; catch and inspect the base type, which is what backends throw.
 */
public class BackendException extends dev.sycostream.worker.backend.BackendException {
    /** A permanent failure: retrying would give the same result. */
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, boolean transientFailure) {
        super(message, transientFailure);
    }

    public BackendException(String message, boolean transientFailure, Throwable cause) {
        super(message, transientFailure, cause);
    }

    public BackendException(String message, boolean transientFailure, Integer httpStatus, Duration retryAfter,
                            Throwable cause) {
        super(message, transientFailure, httpStatus, retryAfter, cause);
    }

    /**
     * {@code e} under this name: itself if it already is one, else a copy with the same message, transience, HTTP
     * status, {@code Retry-After}, cause and stack trace (so dead letters name the same error class as before).
     */
    public static BackendException from(dev.sycostream.worker.backend.BackendException e) {
        if (e instanceof BackendException same) {
            return same;
        }
        BackendException copy = new BackendException(e.getMessage(), e.isTransient(), e.httpStatus().orElse(null),
                e.retryAfter().orElse(null), e.getCause());
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }
}
