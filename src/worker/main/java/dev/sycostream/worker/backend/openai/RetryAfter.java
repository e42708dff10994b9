package dev.sycostream.worker.backend.openai;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads an HTTP {@code Retry-After} header: delta-seconds ({@code 2}) or an HTTP-date. */
final class RetryAfter {
    /** A server asking for longer than this is capped, so one header cannot park a request for hours. */
    static final Duration MAX = Duration.ofMinutes(5);

    private RetryAfter() {
    }

    static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.strip();
        try {
            double seconds = Double.parseDouble(v);
            if (seconds < 0 || !Double.isFinite(seconds)) {
                return Optional.empty();
            }
            return Optional.of(cap(Duration.ofMillis((long) (seconds * 1000))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(cap(d.isNegative() ? Duration.ZERO : d));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
