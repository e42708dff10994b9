package dev.sycostream.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** {@link SpecificAvroSerializer} and {@link SpecificAvroDeserializer} as one Kafka Streams serde. */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>();
    private final SpecificAvroDeserializer<T> deserializer;

    /** For {@code default.value.serde}: reads into the class named by the writer schema. */
    public SpecificAvroSerde() {
        this.deserializer = new SpecificAvroDeserializer<>();
    }

    /** Reads into {@code type}. */
    public SpecificAvroSerde(Class<T> type) {
        this.deserializer = new SpecificAvroDeserializer<>(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
