package dev.sycostream.serde;

import dev.sycostream.registry.SchemaRegistryClient;
import dev.sycostream.registry.SchemaRegistryClients;
import dev.sycostream.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads Confluent-framed Avro into generated classes. The writer schema comes from the registry by the
 * id in the frame; the record is resolved into the class's own schema, so data written by an older or
 * newer compatible schema still reads (new fields take their defaults, removed ones are skipped).
 *
 * <p>Thread-safe: Kafka Streams shares one serde instance between its stream threads.
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    /** Null: the class is found from the writer schema's full name (Confluent's specific.avro.reader=true). */
    private final Class<T> type;
    /** One reader per writer schema id: building a resolver is costly, reusing it is not. */
    private final ConcurrentMap<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;

    /** Reads into the generated class named by each writer schema. */
    public SpecificAvroDeserializer() {
        this.type = null;
    }

    /** Reads every record into {@code type}, whatever compatible schema wrote it. */
    public SpecificAvroDeserializer(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        this.registry = SchemaRegistryClients.create(configs);
        readersById.clear();
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroDeserializer used before configure(): no schema.registry.url");
        }
        int schemaId = WireFormat.schemaId(topic, bytes);
        DatumReader<T> reader = reader(topic, schemaId);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                    bytes.length - WireFormat.HEADER_SIZE, DECODER.get());
            DECODER.set(decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("topic " + topic + ": cannot decode the record written with schema id "
                    + schemaId + ": " + e, e);
        }
    }

    private DatumReader<T> reader(String topic, int schemaId) {
        DatumReader<T> reader = readersById.get(schemaId);
        if (reader != null) {
            return reader;
        }
        Schema writerSchema = writerSchema(topic, schemaId);
        Class<T> target = type != null ? type : classFor(topic, schemaId, writerSchema);
        SpecificData data = SpecificData.getForClass(target);
        reader = new SpecificDatumReader<>(writerSchema, data.getSchema(target), data);
        DatumReader<T> raced = readersById.putIfAbsent(schemaId, reader);
        return raced != null ? raced : reader;
    }

    private Schema writerSchema(String topic, int schemaId) {
        try {
            return registry.getById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                throw new SerializationException("topic " + topic + ": schema id " + schemaId
                        + " not found in registry " + config.registryUrls(), e);
            }
            throw new SerializationException("topic " + topic + ": cannot fetch schema id " + schemaId + ": "
                    + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> classFor(String topic, int schemaId, Schema writerSchema) {
        Class<?> found = writerSchema.getType() == Schema.Type.RECORD ? SpecificData.get().getClass(writerSchema) : null;
        if (found == null || !SpecificRecord.class.isAssignableFrom(found)) {
            throw new SerializationException("topic " + topic + ": no generated Avro class " + writerSchema.getFullName()
                    + " on the classpath for schema id " + schemaId
                    + "; give SpecificAvroDeserializer the class to read into");
        }
        return (Class<T>) found;
    }
}
