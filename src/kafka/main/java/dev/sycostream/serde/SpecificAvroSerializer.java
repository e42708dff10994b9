package dev.sycostream.serde;

import dev.sycostream.registry.RegisteredSchema;
import dev.sycostream.registry.SchemaRegistryClient;
import dev.sycostream.registry.SchemaRegistryClients;
import dev.sycostream.registry.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Writes generated Avro records in Confluent's wire format, registering (or looking up) the schema under
 * the TopicNameStrategy subject. The schema id is resolved once per subject and record schema; after that
 * serializing is one map lookup plus Avro encoding, no registry call.
 *
 * <p>Thread-safe: Kafka Streams shares one serde instance between its stream threads.
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    /** Reused per thread: an encoder and buffer per record would be pure garbage. */
    private static final ThreadLocal<ByteArrayOutputStream> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(512));
    private static final ThreadLocal<BinaryEncoder> ENCODER = new ThreadLocal<>();
    /** A buffer grown past this by one huge record is dropped rather than kept per thread. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    /** How records of one schema are written to one subject: the id to frame with and the writer to use. */
    private record WriteTarget(Schema recordSchema, int schemaId, Schema writeSchema, DatumWriter<Object> writer) {
    }

    private final ConcurrentMap<String, WriteTarget> targetsBySubject = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        this.registry = SchemaRegistryClients.create(configs);
        this.isKey = isKey;
        targetsBySubject.clear();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroSerializer used before configure(): no schema.registry.url");
        }
        String subject = SubjectNames.topicNameStrategy(topic, isKey);
        WriteTarget target = target(topic, subject, record.getSchema());
        ByteArrayOutputStream out = BUFFER.get();
        out.reset();
        try {
            WireFormat.writeHeader(out, target.schemaId());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, ENCODER.get());
            ENCODER.set(encoder);
            Object datum = target.writeSchema() == target.recordSchema() ? record : convert(record, target.writeSchema());
            target.writer().write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            // Avro reports a missing non-null field as an NPE naming the field: keep its message.
            throw new SerializationException("topic " + topic + ": cannot write " + record.getSchema().getFullName()
                    + " as Avro: " + e.getMessage(), e);
        } finally {
            if (out.size() > MAX_KEPT_BUFFER) {
                BUFFER.remove();
            }
        }
    }

    private WriteTarget target(String topic, String subject, Schema recordSchema) {
        WriteTarget target = targetsBySubject.get(subject);
        // Identity, not equals: generated classes hand out one Schema instance, so this is the fast path.
        if (target != null && target.recordSchema() == recordSchema) {
            return target;
        }
        try {
            target = resolve(topic, subject, recordSchema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
        }
        targetsBySubject.put(subject, target);
        return target;
    }

    /** Confluent's order: auto-register, else the latest version if asked, else look the schema up. */
    private WriteTarget resolve(String topic, String subject, Schema recordSchema) {
        if (config.autoRegisterSchemas()) {
            return ownSchema(recordSchema, registry.register(subject, recordSchema));
        }
        if (!config.useLatestVersion()) {
            return ownSchema(recordSchema, registry.lookupId(subject, recordSchema));
        }
        RegisteredSchema latest = registry.getLatest(subject);
        if (latest.schema().equals(recordSchema)) {
            return ownSchema(recordSchema, latest.id());
        }
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), recordSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("topic " + topic + ": use.latest.version: the latest schema of subject "
                    + subject + " (version " + latest.version() + ", id " + latest.id() + ") cannot take "
                    + recordSchema.getFullName() + " records: " + compatibility.getResult().getIncompatibilities());
        }
        return new WriteTarget(recordSchema, latest.id(), latest.schema(), new GenericDatumWriter<>(latest.schema()));
    }

    private static WriteTarget ownSchema(Schema recordSchema, int id) {
        DatumWriter<Object> writer = new SpecificDatumWriter<>(recordSchema, SpecificData.get());
        return new WriteTarget(recordSchema, id, recordSchema, writer);
    }

    /**
     * use.latest.version with a latest schema that differs from the record's: resolve the record into the
     * latest schema by Avro's rules (round trip through its own encoding), so fields land by name, not position.
     */
    private static Object convert(SpecificRecord record, Schema latest) throws IOException {
        ByteArrayOutputStream own = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(own, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(own.toByteArray(), null);
        return new GenericDatumReader<Object>(record.getSchema(), latest, GenericData.get()).read(null, decoder);
    }
}
