package dev.sycostream.bench;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.keys.CompositeKey;
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
 *
 * <p>To show where the latency goes, the same consumer also follows the intermediate hops (for the bench target):
 * {@code sycostream.eval.scored} (answers scored, one record each) and the metrics stage's repartition topic
 * (pre-counted batches: the sum of the {@code unparseable} batches' n), each with the time it became visible.
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

    /** The hop counts followed besides the results: the bench target's answers visible in each topic. */
    private final String target;
    private final String repartitionTopic;
    private final Deserializer<MetricCounts> countsDeserializer;
    private final Map<String, Long> hopCounted = new HashMap<>();
    private final Map<String, List<CountAt>> hopCounts = new HashMap<>();

    /**
     * @param target           the target whose answers are followed through the intermediate hops
     * @param repartitionTopic the metrics stage's repartition topic (pre-counted batches), or null not to follow it
     */
    ResultsTracker(Map<String, Object> clientConfig, Topics topics, String target, String repartitionTopic) {
        deserializer = topics.metricsResults().valueSerde().deserializer();
        countsDeserializer = topics.valueSerde(MetricCounts.class).deserializer();
        this.target = target;
        this.repartitionTopic = repartitionTopic;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-bench-results");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        List<String> followed = new ArrayList<>(List.of(Topics.METRICS_RESULTS, Topics.EVAL_SCORED));
        if (repartitionTopic != null) {
            followed.add(repartitionTopic);
        }
        for (String topic : followed) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
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
                if (!Topics.METRICS_RESULTS.equals(r.topic())) {
                    hop(r, now);
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

    /** The answers of the target visible in an intermediate topic ({@code eval.scored} or the repartition topic). */
    private void hop(ConsumerRecord<String, byte[]> r, long now) {
        if (r.key() == null || !r.key().startsWith(CompositeKey.prefix(target))) {
            return;
        }
        long add;
        if (Topics.EVAL_SCORED.equals(r.topic())) {
            add = 1;
        } else if (r.key().endsWith(CompositeKey.suffix(MetricNames.UNPARSEABLE))) {
            add = countsDeserializer.deserialize(r.topic(), r.value()).getN();
        } else {
            return;
        }
        long counted = hopCounted.merge(r.topic(), add, Long::sum);
        List<CountAt> series = hopCounts.computeIfAbsent(r.topic(), t -> new ArrayList<>());
        if (!series.isEmpty() && series.get(series.size() - 1).visibleAtMs() == now) {
            series.set(series.size() - 1, new CountAt(now, counted));
        } else {
            series.add(new CountAt(now, counted));
        }
    }

    /** When the target's answers became visible in {@code sycostream.eval.scored}: one record per answer. */
    List<CountAt> scoredCounts() {
        return hopCounts.getOrDefault(Topics.EVAL_SCORED, List.of());
    }

    /** When the target's answers became visible pre-counted in the repartition topic (n of its unparseable batches). */
    List<CountAt> preCountedCounts() {
        return repartitionTopic == null ? List.of() : hopCounts.getOrDefault(repartitionTopic, List.of());
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
