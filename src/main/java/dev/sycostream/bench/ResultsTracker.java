package dev.sycostream.bench;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code sycostream.metrics.results} (read_committed, no group) while the pipeline runs and notes, with
 * the wall-clock time the record became visible here, how many answers each target's cumulative metrics have
 * counted (the sum over tasks of the cumulative {@code unparseable} n, which counts every answer), and the time
 * every cumulative metric reached its final n.
 */
final class ResultsTracker implements AutoCloseable {
    /** At {@code visibleAtMs} the metrics of a target had counted {@code counted} answers. */
    record CountAt(long visibleAtMs, long counted) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MetricResult> deserializer;
    private final Map<String, MetricResult> latest = new HashMap<>();
    private final Map<String, List<CountAt>> counts = new HashMap<>();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long maxHeapUsed;

    ResultsTracker(Map<String, Object> clientConfig, Topics topics) {
        deserializer = topics.metricsResults().valueSerde().deserializer();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-bench-results");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.METRICS_RESULTS, Duration.ofSeconds(30))
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Polls until every cumulative metric of every target has its expected n.
     *
     * @return the wall-clock ms at which the final result became visible, or -1 on timeout
     */
    long awaitComplete(ExpectedCounts expected, List<String> targets, Duration timeout, Runnable onPoll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var records = consumer.poll(Duration.ofMillis(100));
            long now = System.currentTimeMillis();
            maxHeapUsed = Math.max(maxHeapUsed, memory.getHeapMemoryUsage().getUsed());
            boolean changed = false;
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.value() == null) {
                    continue;
                }
                MetricResult result = deserializer.deserialize(r.topic(), r.value());
                if (!MetricNames.CUMULATIVE.equals(result.getWindow())) {
                    continue;
                }
                latest.put(r.key(), result);
                changed = true;
            }
            if (changed) {
                for (String target : targets) {
                    long counted = ExpectedCounts.answersSeen(latest.values(), List.of(target));
                    List<CountAt> series = counts.computeIfAbsent(target, t -> new ArrayList<>());
                    if (series.isEmpty() || series.get(series.size() - 1).counted() < counted) {
                        series.add(new CountAt(now, counted));
                    }
                }
                if (expected.complete(targets, latest.values())) {
                    return now;
                }
            }
            onPoll.run();
        }
        return -1;
    }

    Map<String, List<CountAt>> counts() {
        return counts;
    }

    long answersSeen(List<String> targets) {
        return ExpectedCounts.answersSeen(latest.values(), targets);
    }

    /** The largest heap use sampled at each poll, bytes. */
    long maxHeapUsed() {
        return maxHeapUsed;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10));
    }
}
