package dev.sycostream.registry;

import org.apache.avro.Schema;

import java.util.List;

/**
 * The subset of the Confluent Schema Registry API that the Avro serdes and tools need.
 *
 * <p>Every failure is a {@link SchemaRegistryException} carrying the HTTP status and Confluent's
 * {@code error_code}, so callers can tell "not found" from "incompatible" from "unreachable".
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (POST /subjects/{subject}/versions) and returns
     * its global id. Registering a schema already present under the subject returns its id again.
     *
     * @throws SchemaRegistryException 409 when the subject's compatibility level refuses it
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} as already registered under {@code subject} (POST /subjects/{subject}).
     *
     * @throws SchemaRegistryException 404 with error code 40401 (no such subject) or 40403 (schema not
     *                                 registered under the subject)
     */
    int lookupId(String subject, Schema schema);

    /** The schema with global id {@code id} (GET /schemas/ids/{id}); 404/40403 when unknown. */
    Schema getById(int id);

    /** The newest version of {@code subject} (GET /subjects/{subject}/versions/latest); 404/40401 when unknown. */
    RegisteredSchema getLatest(String subject);

    /**
     * Whether {@code schema} could be registered as the next version of {@code subject}
     * (POST /compatibility/subjects/{subject}/versions/latest). True when the subject does not exist yet.
     * Like Confluent's endpoint it checks against the latest version only, so under a *_TRANSITIVE level
     * an older version may still refuse the registration.
     */
    boolean testCompatibility(String subject, Schema schema);

    /** Every subject with at least one version (GET /subjects). */
    List<String> subjects();
}
