package dev.sycostream.training;

import dev.sycostream.avro.TrainingExample;
import dev.sycostream.errors.DeadLetters;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one target's training set from {@code sycostream.training.synthetic} (key {@code target_id|item_id},
 * compacted): the latest value per key, with tombstoned keys removed.
 *
 * <p>Like {@link dev.sycostream.report.ResultsView} it joins no consumer group and commits nothing: it assigns
 * itself every partition, reads from the beginning and reads committed data only. Each {@link #read} reads
 * afresh up to the end offsets the topic has when it is called, so the result is a consistent snapshot.
 *
 * <p>Not thread-safe.
 */
public final class TrainingSetReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrainingSetReader.class);
    /** Same item order every time, so that exported files are reproducible. */
    static final Comparator<TrainingExample> ORDER = Comparator
            .comparing((TrainingExample e) -> e.getItemId().toString())
            .thenComparing(e -> e.getTargetId().toString());

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<TrainingExample> deserializer;
    private final List<TopicPartition> partitions;
    private long skipped;

    /**
     * @throws IllegalStateException if the training topic does not exist
     */
    public TrainingSetReader(Map<String, Object> clientConfig, Topics topics) {
        this.topic = topics.trainingSynthetic().name();
        this.deserializer = topics.trainingSynthetic().valueSerde().deserializer();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG); // no group: nothing to commit, no rebalances
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-training-export");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic
                        + " does not exist; provision the topics and generate training data first");
            }
            this.partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /**
     * The training examples of {@code targetId}: from the beginning of the topic to the end offsets (last stable
     * offsets) it has when this is called, the latest value of each key, without tombstoned keys, sorted by
     * item_id. Undecodable records are skipped and counted ({@link #skipped()}).
     *
     * @throws IllegalStateException if the end offsets are not reached within {@code timeout}
     */
    public List<TrainingExample> read(String targetId, Duration timeout) {
        String prefix = targetId + "|";
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        consumer.seekToBeginning(partitions);
        skipped = 0;
        Map<String, TrainingExample> latest = new HashMap<>();
        while (!reached(end)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout
                        + " (positions " + positions() + ", end offsets " + end + ")");
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())))) {
                if (end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L) <= record.offset()) {
                    continue; // written after this read began: not part of the snapshot
                }
                apply(record, prefix, targetId, latest);
            }
        }
        List<TrainingExample> list = new ArrayList<>(latest.values());
        list.sort(ORDER);
        return list;
    }

    private void apply(ConsumerRecord<String, byte[]> record, String prefix, String targetId,
                       Map<String, TrainingExample> latest) {
        if (record.key() == null) {
            skip(record, "record without a key");
            return;
        }
        if (!record.key().startsWith(prefix)) {
            return; // another target's (a cheap filter; the value's target_id decides below)
        }
        if (record.value() == null) {
            latest.remove(record.key()); // tombstone: the example was withdrawn
            return;
        }
        TrainingExample example;
        try {
            example = deserializer.deserialize(record.topic(), record.value());
        } catch (KafkaException e) {
            skip(record, DeadLetters.reasonOf(e));
            return;
        }
        if (!targetId.equals(example.getTargetId().toString())) {
            // e.g. key "a|b|item" read for target "a" belongs to target "a|b"; a later value may still replace it
            latest.remove(record.key());
            return;
        }
        latest.put(record.key(), example);
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < end.getOrDefault(p, 0L)) {
                return false;
            }
        }
        return true;
    }

    private Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> m = new HashMap<>();
        partitions.forEach(p -> m.put(p, consumer.position(p)));
        return m;
    }

    private void skip(ConsumerRecord<String, byte[]> record, String reason) {
        skipped++;
        log.warn("training export skips {}: {}", DeadLetters.kafkaSource(record.topic(), record.partition(), record.offset()),
                reason);
    }

    /** Records the last {@link #read} could not use (no key, undecodable value). */
    public long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10));
    }
}
