package dev.sycostream.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * What a failed schema registry call means for the record that needed it: the one classification the worker and
 * the Kafka Streams exception handlers share, so that a registry outage is handled the same way everywhere.
 *
 * <p>The rule: a registry failure is a property of the registry (or of our deployment), never of the record, with one
 * exception. A record whose bytes name a schema id the registry positively answers "no such schema" for (Confluent's
 * error code 40403) points nowhere: that is the record's own fault (a corrupt or foreign record), it would fail
 * identically on every retry, and it is dead-lettered ({@link #blamesRecord()}). A bare 404 without that code (a
 * proxy, a wrong URL path) says nothing about the record. Everything else (unreachable, 5xx, refused credentials, a conflict, even
 * a genuine incompatibility) would fail every good record alike, so dead-lettering would drain a whole topic into
 * the dead-letter queue during an outage or after a bad deployment: the worker rewinds and tries again later, and
 * the Streams handlers fail the task, so the records are read again from the committed offsets once it is fixed.
 *
 * @param kind  what kind of failure it is
 * @param cause the registry client's exception
 */
public record RegistryFailure(Kind kind, SchemaRegistryException cause) {

    public enum Kind {
        /** No HTTP answer at all: connection refused, timeout, DNS (after the client's own retries). */
        UNREACHABLE,
        /** A 5xx answer, or 408/429: the registry is failing or overloaded. */
        SERVER_ERROR,
        /** 401 or 403: the registry refuses our credentials. */
        AUTH,
        /** 404: no such schema id, subject or version. */
        NOT_FOUND,
        /** 409 saying the schema is incompatible with an earlier one under the subject's compatibility level. */
        INCOMPATIBLE,
        /**
         * A 409 that is not an incompatibility, e.g. Apicurio's "An artifact with ID ... already exists" when two
         * writers register a subject's first schema at once: the state moved under us, a retry sees it settled.
         */
        CONFLICT,
        /** Anything else: a malformed answer, a 400 or 422 for our request, an interrupted call. */
        OTHER
    }

    /** The classification of {@code e}, from its HTTP status, Confluent error code and message. */
    public static RegistryFailure of(SchemaRegistryException e) {
        return new RegistryFailure(kindOf(e.httpStatus(), e.errorCode(), e.getMessage()), e);
    }

    /** The first {@link SchemaRegistryException} among {@code error} and its causes, classified; empty if none. */
    public static Optional<RegistryFailure> in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException r) {
                return Optional.of(of(r));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code error} is (or wraps) a registry failure that is not the record's fault: the record must be
     * retried (worker: rewind) or the task failed (Streams), never dead-lettered. False for errors that are not
     * registry failures at all (garbage bytes, a bug in a processor) and for an unknown schema id.
     */
    public static boolean mustNotDeadLetter(Throwable error) {
        return in(error).map(f -> !f.blamesRecord()).orElse(false);
    }

    /**
     * True only for "no such schema" (404 with error code 40403): the record names a schema id the registry does not
     * have. An unknown subject or version is about our configuration, and a 404 without the code may be a proxy or
     * a wrong URL: neither is the record's fault.
     */
    public boolean blamesRecord() {
        return kind == Kind.NOT_FOUND && cause.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND;
    }

    /** Whether trying the same call again may succeed without anyone fixing anything. */
    public boolean isTransient() {
        return kind == Kind.UNREACHABLE || kind == Kind.SERVER_ERROR || kind == Kind.CONFLICT;
    }

    static Kind kindOf(int httpStatus, int errorCode, String message) {
        if (httpStatus == SchemaRegistryException.NO_RESPONSE) {
            return Kind.UNREACHABLE;
        }
        if (httpStatus >= 500 || httpStatus == 408 || httpStatus == 429) {
            return Kind.SERVER_ERROR;
        }
        return switch (httpStatus) {
            case 401, 403 -> Kind.AUTH;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> isIncompatibility(errorCode, message) ? Kind.INCOMPATIBLE : Kind.CONFLICT;
            default -> Kind.OTHER;
        };
    }

    /**
     * Whether a 409 says "incompatible". Confluent, Karapace and Redpanda answer error_code 409 and a message saying
     * so (its wording varies, and the details may be only the reason, e.g. "reader field 'x' has no default value");
     * other registries also answer 409 for a write that raced another ("... already exists"), which is no verdict on
     * the schema.
     */
    static boolean isIncompatibility(int errorCode, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        // "already exists" first: the message may name the subject, and a subject may be called "incompatible-...".
        if (m.contains("already exist")) {
            return false;
        }
        if (m.contains("incompatib")) {
            return true;
        }
        return errorCode == SchemaRegistryException.INCOMPATIBLE_SCHEMA || errorCode <= 0;
    }
}
