package dev.sycostream.registry;

import org.apache.avro.Schema;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An in-memory registry for tests ({@code schema.registry.url=mock://SCOPE}): the same rules as the
 * embedded server (both use {@link SchemaStore}), and the same error messages as the HTTP client.
 *
 * <p>Serdes configured separately with the same {@code mock://SCOPE} share one instance, so what a
 * serializer registers a deserializer can read; drop the scope between tests for a clean slate.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {
    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final String where;
    private final SchemaStore store = new SchemaStore(SchemaStore.Journal.NONE);

    /** A private instance, shared with nobody. */
    public MockSchemaRegistryClient() {
        this("mock://(unscoped)");
    }

    private MockSchemaRegistryClient(String where) {
        this.where = where;
    }

    /** The instance that every {@code mock://scope} user in this JVM shares. */
    public static MockSchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient("mock://" + s));
    }

    /** Forgets the scope's schemas; the next {@link #forScope} starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** Sets the default compatibility level (BACKWARD unless changed). */
    public void setCompatibility(AvroCompatibility level) {
        store.setLevel(null, level);
    }

    /** Sets the compatibility level of one subject. */
    public void setCompatibility(String subject, AvroCompatibility level) {
        store.setLevel(subject, level);
    }

    @Override
    public int register(String subject, Schema schema) {
        return call(subject, null, () -> store.register(subject, schema).id());
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        return call(subject, null, () -> store.lookup(subject, schema).id());
    }

    @Override
    public Schema getById(int id) {
        return call(null, id, () -> store.byId(id));
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        return call(subject, null, () -> store.latest(subject));
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        return call(subject, null, () -> store.incompatibilities(subject, schema, "latest").isEmpty());
    }

    @Override
    public List<String> subjects() {
        return store.subjects();
    }

    /** Re-phrases the store's registry-side error exactly as the HTTP client would. */
    private <T> T call(String subject, Integer schemaId, Supplier<T> action) {
        try {
            return action.get();
        } catch (SchemaRegistryException e) {
            throw RegistryErrors.fromAnswer(where, subject, schemaId, e.httpStatus(), e.errorCode(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return where;
    }
}
