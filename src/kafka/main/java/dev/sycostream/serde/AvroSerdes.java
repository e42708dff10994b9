package dev.sycostream.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;

/** One-line construction of configured Avro serdes for topologies and clients. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /**
     * A configured serde for {@code type}.
     *
     * @param config needs {@code schema.registry.url}; see {@link AvroSerdeConfig} for the rest
     * @param isKey  whether it (de)serializes keys, which picks the {@code <topic>-key} subject
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config, boolean isKey) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(config, isKey);
        return serde;
    }
}
