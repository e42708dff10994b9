package dev.sycostream.topics;

import dev.sycostream.deadletter.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a topic once, from the beginning (or from a timestamp) to the end offsets it had when the read began:
 * no consumer group, nothing committed, {@code read_committed}. Records whose value cannot be decoded are
 * skipped, logged and counted (the pipeline's own dead-lettering deals with bad data), tombstones are passed
 * on with a null value.
 */
public final class TopicSnapshot {
    private static final Logger log = LoggerFactory.getLogger(TopicSnapshot.class);

    private TopicSnapshot() {
    }

    /**
     * @param fromMs  read only records at or after this timestamp (offsets by time); null = from the beginning
     * @param visitor receives each record in partition order
     * @return how many records were skipped because they had no key or an undecodable value
     * @throws IllegalStateException if the topic does not exist or cannot be read to its end within {@code timeout}
     */
    public static <V> long read(Map<String, Object> clientConfig, Topic<String, V> topic, Long fromMs, Duration timeout,
                                Consumer<ConsumerRecord<String, V>> visitor) {
        Deserializer<V> values = topic.valueSerde().deserializer();
        long skipped = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = TopicReaders.open(clientConfig, "sycostream-snapshot-" + topic.name(),
                "earliest", new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic.name() + " does not exist; provision the topics "
                        + "(sycostream topics apply) and run the pipeline first");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            if (fromMs != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(p -> query.put(p, fromMs));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
                for (TopicPartition p : partitions) {
                    OffsetAndTimestamp o = found.get(p);
                    consumer.seek(p, o == null ? ends.get(p) : o.offset());
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                        continue; // written after the read began
                    }
                    if (fromMs != null && r.timestamp() < fromMs) {
                        continue; // timestamps are not monotonic in offsets: an earlier record after the seek point
                    }
                    if (r.key() == null) {
                        skipped++;
                        log.warn("{}: skipping a record without a key", DeadLetters.kafkaSource(r.topic(), r.partition(), r.offset()));
                        continue;
                    }
                    V value;
                    try {
                        value = r.value() == null ? null : values.deserialize(r.topic(), r.value());
                    } catch (KafkaException e) {
                        skipped++;
                        log.warn("{}: skipping an undecodable record: {}",
                                DeadLetters.kafkaSource(r.topic(), r.partition(), r.offset()), DeadLetters.reasonOf(e));
                        continue;
                    }
                    visitor.accept(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
                            r.timestampType(), r.serializedKeySize(), r.serializedValueSize(), r.key(), value,
                            r.headers(), r.leaderEpoch()));
                }
            }
        }
        return skipped;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                   Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < end.getOrDefault(p, 0L)) {
                return false;
            }
        }
        return true;
    }
}
