package dev.sycostream.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The value serde of a state store whose values used to be text and are now Avro: it writes Avro (the Confluent
 * wire format, like every other store) and reads both. A changelog written by an earlier version still holds the
 * text values, and a store restored from it holds them too until each key is written again; so a value whose
 * first byte is the wire format's magic byte 0 is read as Avro, any other as the legacy text, by the stage's own
 * parser of that text. No legacy text starts with a NUL (they start with a decimal number).
 *
 * <p>A legacy value the parser rejects fails with a {@link SerializationException} naming the topic and the
 * text, as an undecodable Avro value does: a store value is never guessed.
 */
public final class AvroOrLegacyTextSerde<T extends SpecificRecord> implements Serde<T> {
    private final Serde<T> avro;
    private final Function<String, T> legacy;
    private final Deserializer<T> deserializer = this::read;

    /**
     * @param avro   the configured Avro serde of the record ({@code Topics#valueSerde})
     * @param legacy parses the old text of a value into the record; throws {@link IllegalArgumentException} when
     *               the text is not in the old format
     */
    public AvroOrLegacyTextSerde(Serde<T> avro, Function<String, T> legacy) {
        this.avro = Objects.requireNonNull(avro, "avro");
        this.legacy = Objects.requireNonNull(legacy, "legacy");
    }

    /** Whether stored bytes are the Avro wire format rather than legacy text. */
    public static boolean isAvro(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == WireFormat.MAGIC_BYTE;
    }

    private T read(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (isAvro(bytes)) {
            return avro.deserializer().deserialize(topic, bytes);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return legacy.apply(text);
        } catch (RuntimeException e) {
            throw new SerializationException("topic " + topic + ": value is neither Avro wire format nor legacy text ("
                    + e.getMessage() + "): '" + text + "'", e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        avro.configure(configs, isKey);
    }

    @Override
    public void close() {
        avro.close();
    }

    /** Always Avro: the legacy text is only ever read. */
    @Override
    public Serializer<T> serializer() {
        return avro.serializer();
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
