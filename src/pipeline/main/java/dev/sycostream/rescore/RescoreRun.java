package dev.sycostream.rescore;

import dev.sycostream.topics.TopicReaders;
import dev.sycostream.app.PipelineApp;
import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.keys.MetricKey;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.metrics.Observations;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code sycostream rescore}: recomputes every metric from the recorded requests and replies without calling
 * any model, into fresh state, and reports when it is done.
 *
 * <p>Design: the scoring and metrics stages run as their own Kafka Streams application with a new application id
 * ({@code sycostream-rescore-<epoch ms>}, which is also the run id), so every store starts empty
 * ({@link SycostreamTopology.Rescore}). Its scored answers stay in its internal topic (written to
 * {@code sycostream.eval.scored}, the live pipeline would count them twice); its results go to
 * {@code sycostream.metrics.rescored}, keyed "run_id|target|task|metric|window", so a run never overwrites the
 * live metrics or another run. The scored-ids store counts each request once, so the same recorded inputs give
 * exactly the same counts as the live pipeline.
 *
 * <p>Completion: before starting, the run reads the requests and replies (from {@code --from}) and derives, from
 * the requests that have a reply, the n every cumulative metric must reach ({@link Observations}: the same
 * definitions the metrics stage counts); the run is done when every one has reached it.
 */
public final class RescoreRun implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RescoreRun.class);
    public static final String APPLICATION_ID_PREFIX = "sycostream-rescore-";

    private final SycostreamConfig config;
    private final Topics topics;
    private final String runId;
    private final Map<String, Long> expected;
    private final PipelineApp app;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MetricResult> deserializer;
    private final Map<String, MetricResult> latest = new ConcurrentHashMap<>();

    private RescoreRun(SycostreamConfig config, String runId, Long fromMs, Map<String, Long> expected) {
        this.config = config.withApplicationId(runId);
        this.topics = new Topics(config.serdeConfig());
        this.runId = runId;
        this.expected = expected;
        this.app = new PipelineApp(this.config,
                SycostreamTopology.Settings.DEFAULT.withRescore(new SycostreamTopology.Rescore(runId, fromMs)));
        this.consumer = TopicReaders.open(config.clientConfig(), runId + "-results", "earliest", new StringDeserializer(),
                new ByteArrayDeserializer());
        this.deserializer = topics.metricsRescored().valueSerde().deserializer();
    }

    /**
     * Derives the expected counts, then starts the rescore application (provisioning topics first).
     *
     * @param fromMs rescore the requests and replies stamped at or after this time; null = all recorded ones
     */
    public static RescoreRun start(SycostreamConfig config, Long fromMs, Duration readTimeout) {
        String runId = APPLICATION_ID_PREFIX + System.currentTimeMillis();
        Topics topics = new Topics(config.serdeConfig());
        Map<String, Long> expected = expectedCounts(config.clientConfig(), topics, fromMs, readTimeout);
        RescoreRun run = new RescoreRun(config, runId, fromMs, expected);
        try {
            // Provision first: the results consumer must not auto-create sycostream.metrics.rescored.
            new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
            List<TopicPartition> partitions = run.consumer.partitionsFor(Topics.METRICS_RESCORED, readTimeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            run.consumer.assign(partitions);
            // Earlier runs' records stay in the topic: start at its current end, before this run writes anything.
            run.consumer.seekToEnd(partitions);
            partitions.forEach(run.consumer::position);
            run.app.start();
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /**
     * The n each cumulative metric ("target|task|metric") must reach: one observation per metric of every request
     * that has a reply (what the scoring join will score), plus flip_to_user per item with both variants scored.
     */
    static Map<String, Long> expectedCounts(Map<String, Object> clientConfig, Topics topics, Long fromMs, Duration timeout) {
        // Only what the counts depend on is kept, not the prompts: 30 days of requests can be many.
        Map<String, RequestShape> requests = new HashMap<>();
        TopicSnapshot.read(clientConfig, topics.modelRequests(), fromMs, timeout, r -> {
            if (r.value() == null) {
                requests.remove(r.key());
            } else if (r.value().getProbeRound() != null) {
                requests.remove(r.key()); // probe answers are not counted in the evaluation metrics
            } else {
                ModelRequest q = r.value();
                requests.put(r.key(), new RequestShape(q.getTargetId().intern(), q.getItemId(), q.getTask().intern(),
                        q.getVariant().intern()));
            }
        });
        Set<String> replied = new HashSet<>();
        TopicSnapshot.read(clientConfig, topics.modelReplies(), fromMs, timeout, r -> {
            if (r.value() == null) {
                replied.remove(r.key());
            } else {
                replied.add(r.key());
            }
        });
        Map<String, Long> n = new TreeMap<>();
        Map<String, Set<String>> variantsByItem = new HashMap<>();
        for (var e : requests.entrySet()) {
            if (!replied.contains(e.getKey())) {
                continue;
            }
            RequestShape q = e.getValue();
            ScoredAnswer shape = ScoredAnswer.newBuilder().setRequestId(e.getKey()).setTargetId(q.targetId())
                    .setItemId(q.itemId()).setTask(q.task()).setVariant(q.variant())
                    .setStatus(AnswerStatus.FAILED).setScoredAtMs(0L).build();
            for (Observations.Observation o : Observations.of(shape)) {
                n.merge(new MetricKey(q.targetId(), q.task(), o.metric()).encode(), 1L, Long::sum);
            }
            Observations.Pairing pairing = Observations.pairing(shape);
            if (pairing != null) {
                // flip_to_user or answer_sycophancy: one observation once both paired variants of the item replied
                Set<String> variants = variantsByItem.computeIfAbsent(
                        CompositeKey.joinWithTail(q.targetId(), q.task(), q.itemId()), k -> new HashSet<>());
                variants.add(q.variant());
                if (variants.size() == 2 && variants.contains(pairing.first()) && variants.contains(pairing.second())) {
                    n.merge(new MetricKey(q.targetId(), q.task(), pairing.metric()).encode(), 1L, Long::sum);
                }
            }
        }
        return n;
    }

    private record RequestShape(String targetId, String itemId, String task, String variant) {
    }

    public String runId() {
        return runId;
    }

    /** The n every cumulative metric must reach, "target|task|metric" → n. */
    public Map<String, Long> expected() {
        return Map.copyOf(expected);
    }

    public long expectedAnswers() {
        return expected.entrySet().stream().filter(e -> MetricNames.UNPARSEABLE.equals(MetricKey.parse(e.getKey()).metric()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * Waits until every expected cumulative metric has reached its n.
     *
     * @return false on timeout
     * @throws IllegalStateException if the rescore application failed
     */
    public boolean awaitComplete(Duration timeout, Consumer<String> progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = 0;
        long total = expectedAnswers();
        while (System.nanoTime() < deadline) {
            poll(Duration.ofMillis(250));
            if (app.failure() != null) {
                throw new IllegalStateException("rescore " + runId + " failed: " + app.failure().getMessage(), app.failure());
            }
            if (complete()) {
                progress.accept("rescored " + total + " / " + total + " answers: metrics are final");
                return true;
            }
            if (System.nanoTime() >= nextReport) {
                long seen = cumulative().stream().filter(r -> MetricNames.UNPARSEABLE.equals(r.getMetric()))
                        .mapToLong(MetricResult::getN).sum();
                progress.accept("rescored " + seen + " / " + total + " answers");
                nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
        }
        return false;
    }

    private boolean complete() {
        for (var e : expected.entrySet()) {
            MetricResult r = latest.get(MetricKey.parse(e.getKey()).inWindow(MetricNames.CUMULATIVE).encode());
            if (r == null || r.getN() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void poll(Duration timeout) {
        String prefix = CompositeKey.prefix(runId);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (r.key() == null || !r.key().startsWith(prefix) || r.value() == null) {
                continue;
            }
            try {
                latest.put(r.key().substring(prefix.length()), deserializer.deserialize(r.topic(), r.value()));
            } catch (KafkaException e) {
                log.warn("rescore {} skips an undecodable result at {}/{}/{}: {}", runId, r.topic(), r.partition(),
                        r.offset(), e.getMessage());
            }
        }
    }

    /** This run's latest cumulative results, ordered by target, task, metric. */
    public List<MetricResult> cumulative() {
        return latest.values().stream().filter(r -> MetricNames.CUMULATIVE.equals(r.getWindow()))
                .sorted(java.util.Comparator.comparing(MetricResult::getTargetId).thenComparing(MetricResult::getTask)
                        .thenComparing(MetricResult::getMetric))
                .toList();
    }

    /**
     * Deletes the run's internal topics (changelogs and repartition topics named after its application id) and
     * its local state; call after {@link #close()} when the run's results are all that is wanted.
     */
    public void deleteInternalState(Duration timeout) {
        try (Admin admin = Admin.create(config.clientConfig())) {
            List<String> internal = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(t -> t.startsWith(runId + "-")).toList();
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            log.warn("could not delete the internal topics of rescore run {}: {}", runId, e.toString());
        }
        if (app.streams() != null) {
            app.streams().cleanUp();
        }
    }

    @Override
    public void close() {
        app.close();
        consumer.close(Duration.ofSeconds(10));
    }
}
