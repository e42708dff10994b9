package dev.sycostream.registry;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.sycostream.registry.SchemaRegistryException.INCOMPATIBLE_SCHEMA;
import static dev.sycostream.registry.SchemaRegistryException.INVALID_VERSION;
import static dev.sycostream.registry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static dev.sycostream.registry.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static dev.sycostream.registry.SchemaRegistryException.VERSION_NOT_FOUND;

/**
 * The registry's state and rules, in memory: subjects and their versions, global ids, compatibility
 * levels. Shared by {@link MockSchemaRegistryClient} and {@link EmbeddedSchemaRegistry} so that tests
 * on the mock see the same semantics as the real server.
 *
 * <p>Every change goes through the {@link Journal} first (the embedded server writes it to Kafka) and is
 * applied in memory only once the journal accepted it, so a failed write leaves no trace.
 * Errors are {@link SchemaRegistryException}s carrying the status, Confluent code and message the REST
 * API answers with. All methods are synchronized: registrations are rare, reads are quick.
 */
final class SchemaStore {

    /** Where changes are made durable before they are applied. */
    interface Journal {
        Journal NONE = new Journal() {
            @Override
            public void schemaRegistered(RegisteredSchema registered) {
            }

            @Override
            public void compatibilitySet(String subject, AvroCompatibility level) {
            }
        };

        void schemaRegistered(RegisteredSchema registered);

        /** @param subject null for the global level */
        void compatibilitySet(String subject, AvroCompatibility level);
    }

    private final Journal journal;
    private final Map<String, TreeMap<Integer, RegisteredSchema>> versionsBySubject = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, AvroCompatibility> subjectLevels = new HashMap<>();
    private AvroCompatibility globalLevel = AvroCompatibility.DEFAULT;
    private int maxId;

    SchemaStore(Journal journal) {
        this.journal = journal;
    }

    /**
     * Registers {@code schema} as the next version of {@code subject}, or returns the existing version
     * when it is already there. A schema known under another subject keeps its global id.
     */
    synchronized RegisteredSchema register(String subject, Schema schema) {
        String canonical = canonical(schema);
        TreeMap<Integer, RegisteredSchema> versions = versionsBySubject.getOrDefault(subject, new TreeMap<>());
        for (RegisteredSchema existing : versions.values()) {
            if (canonical(existing.schema()).equals(canonical)) {
                return existing;
            }
        }
        AvroCompatibility level = effectiveLevel(subject);
        List<String> problems = level.incompatibilities(schema, history(versions));
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\"; details: " + String.join("; ", problems), 409, INCOMPATIBLE_SCHEMA);
        }
        int id = idsByCanonical.getOrDefault(canonical, maxId + 1);
        int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        RegisteredSchema registered = new RegisteredSchema(subject, version, id, schema);
        journal.schemaRegistered(registered);
        apply(registered);
        return registered;
    }

    /** Adds an already durable registration (from the journal on start-up, or just written). */
    synchronized void apply(RegisteredSchema registered) {
        versionsBySubject.computeIfAbsent(registered.subject(), s -> new TreeMap<>())
                .put(registered.version(), registered);
        rememberId(registered.id(), registered.schema());
    }

    /** Records an id whose version was deleted: ids stay resolvable so old data stays readable. */
    synchronized void rememberId(int id, Schema schema) {
        schemasById.putIfAbsent(id, schema);
        idsByCanonical.putIfAbsent(canonical(schema), id);
        maxId = Math.max(maxId, id);
    }

    /** The version of {@code subject} holding {@code schema}: 40401 without the subject, 40403 without the schema. */
    synchronized RegisteredSchema lookup(String subject, Schema schema) {
        String canonical = canonical(schema);
        for (RegisteredSchema existing : versionsOf(subject).values()) {
            if (canonical(existing.schema()).equals(canonical)) {
                return existing;
            }
        }
        throw new SchemaRegistryException("Schema not found", 404, SCHEMA_NOT_FOUND);
    }

    synchronized Schema byId(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404, SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    /** @param version a version number or "latest" (Confluent also accepts -1 for latest) */
    synchronized RegisteredSchema version(String subject, String version) {
        TreeMap<Integer, RegisteredSchema> versions = versionsOf(subject);
        int number = parseVersion(version);
        RegisteredSchema found = number == -1 ? versions.lastEntry().getValue() : versions.get(number);
        if (found == null) {
            throw new SchemaRegistryException("Version " + version + " not found.", 404, VERSION_NOT_FOUND);
        }
        return found;
    }

    synchronized RegisteredSchema latest(String subject) {
        return version(subject, "latest");
    }

    synchronized List<Integer> versions(String subject) {
        return new ArrayList<>(versionsOf(subject).keySet());
    }

    synchronized List<String> subjects() {
        return new ArrayList<>(versionsBySubject.keySet());
    }

    /**
     * Why {@code schema} would be refused. {@code version} null checks it as registration would (against
     * the versions the level asks for); "latest" or a number checks it against that one version only,
     * as Confluent does. A subject without versions accepts anything when asked about "latest" or null.
     */
    synchronized List<String> incompatibilities(String subject, Schema schema, String version) {
        AvroCompatibility level = effectiveLevel(subject);
        TreeMap<Integer, RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            if (version != null && parseVersion(version) != -1) {
                throw subjectNotFound(subject);
            }
            return List.of();
        }
        if (version == null) {
            return level.incompatibilities(schema, history(versions));
        }
        RegisteredSchema against = version(subject, version);
        return level.incompatibilitiesWith(schema, against.schema(), "version " + against.version());
    }

    synchronized AvroCompatibility globalLevel() {
        return globalLevel;
    }

    synchronized Optional<AvroCompatibility> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level that applies to {@code subject}: its own, else the global one. */
    synchronized AvroCompatibility effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** @param subject null for the global level */
    synchronized void setLevel(String subject, AvroCompatibility level) {
        journal.compatibilitySet(subject, level);
        applyLevel(subject, level);
    }

    synchronized void applyLevel(String subject, AvroCompatibility level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }

    private TreeMap<Integer, RegisteredSchema> versionsOf(String subject) {
        TreeMap<Integer, RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions;
    }

    private static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException("Subject '" + subject + "' not found.", 404, SUBJECT_NOT_FOUND);
    }

    private static int parseVersion(String version) {
        if (version.equals("latest") || version.equals("-1")) {
            return -1;
        }
        try {
            int number = Integer.parseInt(version);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new SchemaRegistryException("The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"", 422, INVALID_VERSION);
    }

    private static List<Schema> history(TreeMap<Integer, RegisteredSchema> versions) {
        return versions.values().stream().map(RegisteredSchema::schema).toList();
    }

    /**
     * Two schemas are "the same" when Avro prints them the same: formatting differs, content does not.
     * (Avro's Parsing Canonical Form would be too loose: it drops defaults, which matter here.)
     */
    private static String canonical(Schema schema) {
        return schema.toString();
    }
}
