package dev.sycostream.history;

import dev.sycostream.topics.TopicReaders;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.topics.Topics;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * A read-only, in-memory view of {@code sycostream.metrics.results}: the latest {@link MetricResult} per key.
 *
 * <p>It joins no consumer group and commits nothing: it assigns itself every partition and reads from the
 * beginning, so any number of reports can run side by side without disturbing each other or the pipeline.
 * It reads committed data only, as the metrics are written by an exactly-once Streams application.
 *
 * <p>Not thread-safe for polling (one thread calls {@link #catchUp}/{@link #poll}); {@link #latest()} may be
 * called from others.
 */
public final class ResultsView implements AutoCloseable {
    public static final String CUMULATIVE = "cumulative";
    private static final Logger log = LoggerFactory.getLogger(ResultsView.class);

    /**
     * Report order: target, task, metric, window, then window start. The cumulative row leads its metric's
     * windowed rows (plain string order would put "PT1M" before "cumulative").
     */
    private static final Comparator<MetricResult> ORDER = Comparator
            .comparing(MetricResult::getTargetId)
            .thenComparing(MetricResult::getTask)
            .thenComparing(MetricResult::getMetric)
            .thenComparing(r -> !CUMULATIVE.equals(r.getWindow()))
            .thenComparing(MetricResult::getWindow)
            .thenComparing(MetricResult::getWindowStartMs, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MetricResult> deserializer;
    private final Map<String, MetricResult> latestByKey = new ConcurrentHashMap<>();
    private final List<TopicPartition> partitions;
    private long skipped;

    /**
     * @throws IllegalStateException if the results topic does not exist
     */
    public ResultsView(Map<String, Object> clientConfig, Topics topics) {
        this.deserializer = topics.metricsResults().valueSerde().deserializer();
        this.consumer = TopicReaders.open(clientConfig, "sycostream-results-view", "earliest", new StringDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.METRICS_RESULTS, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.METRICS_RESULTS
                        + " does not exist; provision the topics and run the pipeline first");
            }
            this.partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /**
     * Reads until every partition reaches the end offset it had when this call began (the last stable offset,
     * under read_committed).
     *
     * @throws IllegalStateException if that takes longer than {@code timeout}
     */
    public void catchUp(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("could not read " + Topics.METRICS_RESULTS + " to its end within "
                        + timeout + " (positions " + positions() + ", end offsets " + end + ")");
            }
            poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
        }
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

    /** Applies whatever arrives within {@code timeout}: a value replaces the key's result, a tombstone removes it. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (record.key() == null) {
                skip(record, "record without a key");
                continue;
            }
            if (record.value() == null) {
                latestByKey.remove(record.key()); // compaction tombstone: the metric was retracted
                continue;
            }
            MetricResult result;
            try {
                result = deserializer.deserialize(record.topic(), record.value());
            } catch (KafkaException e) {
                // A report must show what it can; the pipeline's own dead-lettering deals with bad data.
                skip(record, DeadLetters.reasonOf(e));
                continue;
            }
            latestByKey.put(record.key(), result);
        }
    }

    private void skip(ConsumerRecord<String, byte[]> record, String reason) {
        skipped++;
        log.warn("results view skips {}: {}", DeadLetters.kafkaSource(record.topic(), record.partition(), record.offset()),
                reason);
    }

    /** The latest result of every key, sorted by target, task, metric, window (cumulative first, then by start). */
    public List<MetricResult> latest() {
        List<MetricResult> list = new ArrayList<>(latestByKey.values());
        list.sort(ORDER);
        return list;
    }

    /** {@link #latest()} restricted to window {@value #CUMULATIVE}. */
    public List<MetricResult> cumulative() {
        return latest().stream().filter(r -> CUMULATIVE.equals(r.getWindow())).toList();
    }

    /** Records that could not be read (no key, undecodable value). */
    public long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10));
    }
}
