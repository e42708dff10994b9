package dev.sycostream.registry;

/**
 * A schema registry call that failed, with the registry's HTTP status and Confluent error code.
 *
 * <p>When no HTTP answer came at all (registry unreachable, timeout) both are {@link #NO_RESPONSE}.
 * The message is meant for people: it names the registry, the subject and the reason, never a password.
 */
public class SchemaRegistryException extends RuntimeException {
    /** httpStatus/errorCode when the registry could not be reached. */
    public static final int NO_RESPONSE = -1;

    // Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions), by number.
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;
    public static final int OPERATION_TIMEOUT = 50002;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code} from the answer's body (e.g. 40401), or {@link #NO_RESPONSE}. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the registry could not be reached at all (connection refused, timeout...). */
    public boolean isUnreachable() {
        return httpStatus == NO_RESPONSE;
    }
}
