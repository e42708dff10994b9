package dev.sycostream.topics;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.util.Map;

/**
 * One topic of the pipeline: its name, the serdes of its key and value, and how it is created.
 * Every topic is declared once, in {@link Topics}; stages, clients and the provisioner read it from there.
 *
 * @param partitions partition count, or -1 to use the cluster-wide setting given to the provisioner
 * @param config     topic-level configs (cleanup.policy, retention.ms, ...)
 * @param key        what the record key is, for documentation
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                          Map<String, String> config, String key, String doc) {

    public Topic {
        config = Map.copyOf(config);
    }

    /** Source descriptor with a named source processor. */
    public Consumed<K, V> consumed(String processorName) {
        return Consumed.with(keySerde, valueSerde).withName(processorName);
    }

    /** Sink descriptor with a named sink processor. */
    public Produced<K, V> produced(String processorName) {
        return Produced.with(keySerde, valueSerde).withName(processorName);
    }

    public boolean compacted() {
        return "compact".equals(config.get("cleanup.policy"));
    }
}
