package dev.sycostream.topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.HashMap;
import java.util.Map;

/**
 * The one configuration of the consumers that read topics back outside a consumer group (snapshots, the results
 * view, the live feed, rescore, the worker's reply index, dead letters): partitions are assigned, never
 * subscribed, so there is no group, nothing to commit and no rebalance; and only committed records are read, so a
 * transaction that aborts is never shown.
 */
public final class TopicReaders {
    private TopicReaders() {
    }

    /**
     * @param clientConfig the connection settings (bootstrap servers, security); a {@code group.id} in it is dropped
     * @param clientId     the client id unless {@code clientConfig} names one
     * @param offsetReset  {@code earliest} or {@code latest}: where a partition without a seek starts; null leaves the
     *                     consumer's default
     */
    public static <K, V> KafkaConsumer<K, V> open(Map<String, Object> clientConfig, String clientId, String offsetReset,
                                                  Deserializer<K> keys, Deserializer<V> values) {
        return new KafkaConsumer<>(config(clientConfig, clientId, offsetReset), keys, values);
    }

    /** The settings {@link #open} uses, for a caller that adds one of its own (e.g. {@code max.poll.records}). */
    public static Map<String, Object> config(Map<String, Object> clientConfig, String clientId, String offsetReset) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (offsetReset != null) {
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        }
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }
}
