package dev.sycostream.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed request again: exponential backoff with jitter (so many workers hit by the same outage
 * do not retry in lockstep), never sooner than the server asked with {@code Retry-After}.
 */
final class RetryPolicy {
    private final Duration base;
    private final Duration cap;
    private final DoubleSupplier random;

    RetryPolicy(Duration base, Duration cap, DoubleSupplier random) {
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /**
     * The wait after failed attempt number {@code attempt} (1-based): half of {@code base·2^(attempt-1)} (capped)
     * plus a random share of the other half, or the server's {@code retryAfter} if that is longer.
     */
    Duration delayAfter(int attempt, Optional<Duration> retryAfter) {
        long exp = base.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(exp, cap.toMillis());
        long jittered = capped / 2 + (long) (random.getAsDouble() * (capped - capped / 2));
        long wait = Math.max(jittered, retryAfter.map(Duration::toMillis).orElse(0L));
        return Duration.ofMillis(wait);
    }
}
