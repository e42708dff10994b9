package dev.sycostream.registry;

import static dev.sycostream.registry.SchemaRegistryException.INCOMPATIBLE_SCHEMA;
import static dev.sycostream.registry.SchemaRegistryException.INVALID_SCHEMA;
import static dev.sycostream.registry.SchemaRegistryException.NO_RESPONSE;
import static dev.sycostream.registry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static dev.sycostream.registry.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static dev.sycostream.registry.SchemaRegistryException.VERSION_NOT_FOUND;

/**
 * Turns a registry's error answer (status, Confluent error code, message) into the exception callers
 * see. The HTTP client and the mock both go through here, so both fail with the same words.
 */
final class RegistryErrors {
    private RegistryErrors() {
    }

    /**
     * @param where    the registry, as it may be shown (no credentials)
     * @param subject  the subject the request was about, or null
     * @param schemaId the schema id the request was about, or null
     */
    static SchemaRegistryException fromAnswer(String where, String subject, Integer schemaId,
                                              int status, int errorCode, String registryMessage) {
        boolean incompatible = status == 409 && RegistryFailure.isIncompatibility(errorCode, registryMessage);
        String message = switch (status) {
            // Not every 409 is a verdict on the schema: a registration that raced another one is a conflict.
            case 409 -> incompatible
                    ? "schema for subject " + subject + " is incompatible with an earlier schema: " + registryMessage
                    : "schema registry at " + where + " answered 409 (conflict, error_code " + errorCode + ")"
                      + forSubject(subject) + ": " + registryMessage;
            case 401, 403 -> "schema registry at " + where + " refused credentials (" + status + "): check "
                    + SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE + " and "
                    + SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO + " (or user-info in the URL)";
            case 404 -> notFound(where, subject, schemaId, errorCode, registryMessage);
            case 422 -> errorCode == INVALID_SCHEMA
                    ? "schema registry at " + where + " rejected the schema" + forSubject(subject)
                      + " as invalid: " + registryMessage
                    : "schema registry at " + where + " rejected the request" + forSubject(subject)
                      + " (error_code " + errorCode + "): " + registryMessage;
            default -> "schema registry at " + where + " failed" + forSubject(subject)
                    + " (HTTP " + status + ", error_code " + errorCode + "): " + registryMessage;
        };
        int code = incompatible && errorCode <= 0 ? INCOMPATIBLE_SCHEMA : errorCode;
        return new SchemaRegistryException(message, status, code);
    }

    static SchemaRegistryException unreachable(String where, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new SchemaRegistryException("schema registry at " + where + " unreachable: " + reason,
                NO_RESPONSE, NO_RESPONSE, cause);
    }

    private static String notFound(String where, String subject, Integer schemaId, int errorCode, String registryMessage) {
        return switch (errorCode) {
            case SUBJECT_NOT_FOUND -> "subject " + subject + " not found in schema registry at " + where;
            case VERSION_NOT_FOUND -> "version not found for subject " + subject + " in schema registry at " + where
                    + ": " + registryMessage;
            case SCHEMA_NOT_FOUND -> schemaId != null
                    ? "schema id " + schemaId + " not found in schema registry at " + where
                    : "schema not registered under subject " + subject + " in schema registry at " + where;
            default -> "not found in schema registry at " + where + forSubject(subject)
                    + " (error_code " + errorCode + "): " + registryMessage;
        };
    }

    private static String forSubject(String subject) {
        return subject == null ? "" : " for subject " + subject;
    }
}
