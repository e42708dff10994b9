package dev.sycostream.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Reads committed records of a topic after a run (not while it is measured). */
final class TopicScan {
    private TopicScan() {
    }

    /** Every committed record, from the beginning to the end offsets at the time of the call. */
    static void all(Map<String, Object> clientConfig, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        scan(clientConfig, topic, false, each);
    }

    /** The first committed record of every non-empty partition. */
    static void firstOfEachPartition(Map<String, Object> clientConfig, String topic,
                                     Consumer<ConsumerRecord<byte[], byte[]>> each) {
        scan(clientConfig, topic, true, each);
    }

    private static void scan(Map<String, Object> clientConfig, String topic, boolean firstOnly,
                             Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-bench-scan");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Set<TopicPartition> done = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (done.size() < partitions.size()) {
                for (TopicPartition p : partitions) {
                    if (!done.contains(p) && consumer.position(p) >= end.get(p)) {
                        done.add(p);
                    }
                }
                if (done.size() == partitions.size() || System.nanoTime() > deadline) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (done.contains(p)) {
                        continue;
                    }
                    each.accept(r);
                    if (firstOnly) {
                        done.add(p);
                        consumer.pause(List.of(p));
                    }
                }
            }
        }
    }
}
