package dev.sycostream.errors;

import dev.sycostream.topics.TopicReaders;
import dev.sycostream.deadletter.DeadLetters;

import dev.sycostream.deadletter.StoredDeadLetter;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads the whole dead-letter topic as it is now: from the beginning to the end offsets taken at the start,
 * read_committed, without a consumer group (inspecting commits nothing). A record that is not a readable
 * {@link DeadLetter} is returned with the reason instead of stopping the read.
 */
public final class DeadLetterReader {
    private final Map<String, Object> clientConfig;
    private final Deserializer<DeadLetter> deserializer;

    public DeadLetterReader(Map<String, Object> clientConfig, Topics topics) {
        this.clientConfig = clientConfig;
        this.deserializer = topics.deadletter().valueSerde().deserializer();
    }

    /** Every dead letter, by partition and offset. */
    public List<StoredDeadLetter> readAll(Duration timeout) {
        List<StoredDeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReaders.open(clientConfig, "sycostream-deadletter-reader", null,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEADLETTER, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.DEADLETTER + " does not exist (run 'sycostream topics apply')");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topics.DEADLETTER + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(decode(r));
                }
            }
        }
        letters.sort(Comparator.comparingInt(StoredDeadLetter::partition).thenComparingLong(StoredDeadLetter::offset));
        return letters;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        // position() is past transaction markers too, so compare it rather than counting records.
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private StoredDeadLetter decode(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return new StoredDeadLetter(r.partition(), r.offset(), null, "empty record (no value)");
        }
        try {
            return new StoredDeadLetter(r.partition(), r.offset(), deserializer.deserialize(r.topic(), r.value()), null);
        } catch (RuntimeException e) {
            return new StoredDeadLetter(r.partition(), r.offset(), null, "not a readable DeadLetter: " + DeadLetters.reasonOf(e));
        }
    }
}
