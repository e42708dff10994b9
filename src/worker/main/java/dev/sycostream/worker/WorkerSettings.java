package dev.sycostream.worker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link ModelWorker} paces and retries its model calls.
 *
 * @param maxInFlight    model calls in progress at once (including those waiting to retry); when the window is full
 *                       the consumer is paused. Four times this bounds the requests read but not yet committed, which is
 *                       what a crash can make the next worker send again.
 * @param maxAttempts    attempts per request before it fails (reply with {@code error}, dead letter)
 * @param retryBackoff   wait before the second attempt; doubled per attempt, with jitter, at least the server's
 *                       {@code Retry-After}
 * @param maxRetryBackoff cap of the exponential backoff
 * @param flushInterval  how often finished replies and their offsets are committed (one transaction per flush)
 * @param force          answer requests again even when a reply to their id is already in the replies topic
 * @param stateDir       where each worker keeps its index of answered requests, in {@code <stateDir>/<worker id>};
 *                       on a persistent volume a restart reads only the replies written since the last run. Null:
 *                       {@link #DEFAULT_STATE_DIR}, which a new container or machine starts empty (still correct:
 *                       the index is then read from the beginning of the replies topic once)
 */
public record WorkerSettings(int maxInFlight, int maxAttempts, Duration retryBackoff, Duration maxRetryBackoff,
                             Duration flushInterval, boolean force, Path stateDir) {
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    /** Under {@code java.io.tmpdir}, as Kafka Streams' default state dir. */
    public static final Path DEFAULT_STATE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "sycostream-worker");

    public WorkerSettings {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in-flight must be >= 1, got " + maxInFlight);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
        }
        if (retryBackoff.isNegative() || maxRetryBackoff.isNegative() || flushInterval.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(DEFAULT_MAX_IN_FLIGHT, ModelWorker.MAX_ATTEMPTS, Duration.ofMillis(200),
                Duration.ofSeconds(30), Duration.ofMillis(20), false, null);
    }

    public WorkerSettings withMaxInFlight(int n) {
        return new WorkerSettings(n, maxAttempts, retryBackoff, maxRetryBackoff, flushInterval, force, stateDir);
    }

    public WorkerSettings withMaxAttempts(int n) {
        return new WorkerSettings(maxInFlight, n, retryBackoff, maxRetryBackoff, flushInterval, force, stateDir);
    }

    public WorkerSettings withRetryBackoff(Duration d) {
        return new WorkerSettings(maxInFlight, maxAttempts, d, maxRetryBackoff, flushInterval, force, stateDir);
    }

    public WorkerSettings withForce(boolean f) {
        return new WorkerSettings(maxInFlight, maxAttempts, retryBackoff, maxRetryBackoff, flushInterval, f, stateDir);
    }

    public WorkerSettings withStateDir(Path dir) {
        return new WorkerSettings(maxInFlight, maxAttempts, retryBackoff, maxRetryBackoff, flushInterval, force, dir);
    }

    /** The reply index's directory for worker {@code workerId} (an id that is no safe file name is made one). */
    Path replyIndexDir(String workerId) {
        return (stateDir != null ? stateDir : DEFAULT_STATE_DIR).resolve(workerId.replaceAll("[^A-Za-z0-9._-]", "_"))
                .resolve("reply-index");
    }
}
