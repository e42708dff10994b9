package dev.sycostream.history;

import dev.sycostream.compare.ItemOverlap;
import dev.sycostream.compare.CheckpointComparison;

import dev.sycostream.compare.Verdict;

import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.keys.ComparisonKey;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code sycostream compare} against a cluster: reads {@code sycostream.eval.scored} once (no group,
 * read_committed, to its end offsets) for both targets, compares them ({@link CheckpointComparison}) and
 * publishes the comparisons to {@code sycostream.metrics.comparisons} for dashboards.
 */
public final class Comparer {
    private final Map<String, Object> clientConfig;
    private final Topics topics;

    public Comparer(Map<String, Object> clientConfig, Topics topics) {
        this.clientConfig = clientConfig;
        this.topics = topics;
    }

    /**
     * @throws IllegalArgumentException if either target has no scored answers, or base equals candidate
     */
    public List<Comparison> compare(String base, String candidate, double alpha, Duration timeout) {
        return compareWithOverlap(base, candidate, alpha, timeout).comparisons();
    }

    /** The comparisons and, per task, how many items the two targets share. */
    public record Result(List<Comparison> comparisons, List<ItemOverlap.TaskOverlap> overlap) {
    }

    /** As {@link #compare}, with the item overlap. */
    public Result compareWithOverlap(String base, String candidate, double alpha, Duration timeout) {
        if (base.equals(candidate)) {
            throw new IllegalArgumentException("--base and --candidate are both '" + base + "'; compare two different targets");
        }
        Verdict.checkAlpha(alpha);
        // By request id: a retraction (its item was retired) removes the answer it repeats.
        Map<String, Map<String, ScoredAnswer>> byTarget = new HashMap<>();
        byTarget.put(base, new java.util.LinkedHashMap<>());
        byTarget.put(candidate, new java.util.LinkedHashMap<>());
        TopicSnapshot.read(clientConfig, topics.evalScored(), null, timeout, r -> {
            ScoredAnswer a = r.value();
            // probe answers (continuous probing) repeat items: the comparison pairs each item's evaluation answer
            if (a != null && a.getProbeRound() == null) {
                Map<String, ScoredAnswer> answers = byTarget.get(a.getTargetId());
                if (answers != null && a.getRetracted()) {
                    answers.remove(a.getRequestId());
                } else if (answers != null) {
                    answers.put(a.getRequestId(), a);
                }
            }
        });
        for (String t : List.of(base, candidate)) {
            if (byTarget.get(t).isEmpty()) {
                throw new IllegalArgumentException("target '" + t + "' has no scored answers in " + Topics.EVAL_SCORED
                        + " (is the name right? a target's id is NAME@CHECKPOINT when registered by `target add`)");
            }
        }
        List<ScoredAnswer> b = List.copyOf(byTarget.get(base).values());
        List<ScoredAnswer> c = List.copyOf(byTarget.get(candidate).values());
        return new Result(CheckpointComparison.compare(base, b, candidate, c, alpha, System.currentTimeMillis()),
                ItemOverlap.of(b, c));
    }

    /** Writes the comparisons to {@code sycostream.metrics.comparisons}, key "base|candidate|task|metric". */
    public void publish(List<Comparison> comparisons, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-compare");
        var serializer = topics.metricsComparisons().valueSerde().serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (Comparison c : comparisons) {
                sent.add(producer.send(new ProducerRecord<>(Topics.METRICS_COMPARISONS, key(c),
                        serializer.serialize(Topics.METRICS_COMPARISONS, c))));
            }
            for (var f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish comparisons to " + Topics.METRICS_COMPARISONS + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing comparisons", e);
        }
    }

    public static String key(Comparison c) {
        return new ComparisonKey(c.getBaseTarget(), c.getCandidateTarget(), c.getTask(), c.getMetric()).encode();
    }
}
