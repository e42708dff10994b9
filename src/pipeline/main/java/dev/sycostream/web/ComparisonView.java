package dev.sycostream.web;

import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ComparisonPair;
import dev.sycostream.compare.CheckpointComparison;
import dev.sycostream.compare.CompareFormatter;
import dev.sycostream.compare.PairCounts;
import dev.sycostream.compare.Verdict;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.keys.TaskMetricKey;
import dev.sycostream.stages.compare.ComparisonStage;
import dev.sycostream.stages.compare.ComparisonState;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /api/compare?base=T1&candidate=T2[&alpha=0.05]} from the comparison stage's state, never from
 * {@code sycostream.eval.scored}: the pair's comparisons kept up to date by {@link ComparisonStage}, and, for a task
 * and metric the stage has not compared this pair on yet (a pair never asked before), the counts taken once from
 * the per-item outcomes. A pair asked for the first time is registered ({@code sycostream.compare.pairs}), so the
 * stage keeps it current from then on. The cost is bounded by the items of the compared tasks, not by history.
 *
 * <p>With several pipeline instances each task's state is on the instance that owns its partition: {@link #lookup}
 * reads this instance's and asks the others ({@link Peers}) for theirs.
 */
public final class ComparisonView implements AutoCloseable {
    private static final long REGISTER_TIMEOUT_MS = 10_000;
    static final String INTERNAL_PATH = "/internal/compare";

    private final StoreReader stores;
    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param stores       this instance's stores and, through them, the other instances' (the stage's state is
     *                     partitioned by task)
     * @param clientConfig for the producer that registers pairs
     */
    public ComparisonView(StoreReader stores, Map<String, Object> clientConfig, Topics topics) {
        this.stores = stores;
        this.clientConfig = Map.copyOf(clientConfig);
        this.topics = topics;
    }

    public Api.Response compare(Map<String, String> query) {
        String base = query.get("base");
        String candidate = query.get("candidate");
        if (base == null || base.isBlank() || candidate == null || candidate.isBlank()) {
            return Api.error(400, "give both targets: /api/compare?base=T1&candidate=T2[&alpha=0.05]");
        }
        double alpha;
        try {
            alpha = Double.parseDouble(query.getOrDefault("alpha", "0.05"));
        } catch (NumberFormatException e) {
            return Api.error(400, "alpha must be a number, got '" + query.get("alpha") + "'");
        }
        try {
            if (base.equals(candidate)) {
                throw new IllegalArgumentException("base and candidate are both '" + base + "'; compare two different targets");
            }
            if (!CompositeKey.isValidPart(base) || !CompositeKey.isValidPart(candidate)) {
                throw new IllegalArgumentException("a target id contains no '|'");
            }
            Verdict.checkAlpha(alpha);
            List<Comparison> rows = lookup(base, candidate, alpha);
            register(base, candidate);
            return new Api.Response(200, "{\"comparisons\":" + CompareFormatter.json(rows) + "}");
        } catch (IllegalArgumentException e) {
            return Api.error(400, e.getMessage());
        } catch (InvalidStateStoreException e) {
            return Api.error(503, "the comparison state is not queryable now (the pipeline is starting or rebalancing): "
                    + e.getMessage());
        } catch (DashboardData.NotReadyException e) {
            return Api.error(503, e.getMessage());
        }
    }

    /**
     * The pair's comparisons, per task and metric both targets have outcomes of, at {@code alpha}: this instance's
     * tasks from its stores, the other instances' through their {@code /internal/compare} (the stage partitions by
     * task, so each task's comparisons are on the one instance that owns that task's partition).
     *
     * @throws IllegalArgumentException if a target has no evaluation answers on any instance
     */
    public List<Comparison> lookup(String base, String candidate, double alpha) {
        LocalPart all = localPart(base, candidate, alpha);
        for (HostInfo peer : stores.otherOwners(ComparisonStage.COMPARISONS_STORE)) {
            all = all.plus(LocalPart.fromJson(stores.ask(peer, INTERNAL_PATH,
                    Map.of("base", base, "candidate", candidate, "alpha", String.valueOf(alpha)))));
        }
        for (var t : List.of(Map.entry(base, all.baseSeen()), Map.entry(candidate, all.candidateSeen()))) {
            if (!t.getValue()) {
                throw new IllegalArgumentException("target '" + t.getKey() + "' has no scored answers (is the name right? "
                        + "a target's id is NAME@CHECKPOINT when registered by `target add`)");
            }
        }
        Map<String, Comparison> byTaskMetric = new TreeMap<>();
        all.rows().forEach(c -> byTaskMetric.put(new TaskMetricKey(c.getTask(), c.getMetric()).encode(), c));
        return new ArrayList<>(byTaskMetric.values());
    }

    /** {@code GET /internal/compare?base=&candidate=&alpha=}: this instance's part only, never forwarded. */
    public Api.Response internal(Map<String, String> query) {
        try {
            double alpha = Double.parseDouble(query.getOrDefault("alpha", String.valueOf(ComparisonStage.ALPHA)));
            return new Api.Response(200, localPart(query.get("base"), query.get("candidate"), alpha).toJson());
        } catch (NumberFormatException e) {
            return Api.error(400, "alpha must be a number, got '" + query.get("alpha") + "'");
        } catch (InvalidStateStoreException e) {
            return Api.error(503, "the comparison state is not queryable now: " + e.getMessage());
        } catch (DashboardData.NotReadyException e) {
            return Api.error(503, e.getMessage());
        }
    }

    /** What one instance knows of a pair: whether each target has outcomes in its tasks, and their comparisons. */
    record LocalPart(boolean baseSeen, boolean candidateSeen, List<Comparison> rows) {
        LocalPart plus(LocalPart o) {
            List<Comparison> both = new ArrayList<>(rows);
            both.addAll(o.rows);
            return new LocalPart(baseSeen || o.baseSeen, candidateSeen || o.candidateSeen, both);
        }

        String toJson() {
            return "{\"base_seen\":" + baseSeen + ",\"candidate_seen\":" + candidateSeen
                    + ",\"comparisons\":" + CompareFormatter.json(rows) + "}";
        }

        static LocalPart fromJson(String json) {
            try {
                var node = Api.JSON.readTree(json);
                return new LocalPart(node.get("base_seen").asBoolean(), node.get("candidate_seen").asBoolean(),
                        CompareFormatter.parse(node.get("comparisons").toString()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read a peer's comparisons: " + e.getMessage(), e);
            }
        }
    }

    private LocalPart localPart(String base, String candidate, double alpha) {
        ReadOnlyKeyValueStore<String, Integer> observed = stores.localStore(ComparisonStage.OBSERVED_STORE);
        Set<String> baseMetrics = ComparisonState.observed(observed, base);
        Set<String> candidateMetrics = ComparisonState.observed(observed, candidate);
        Map<String, Comparison> stored = new HashMap<>();
        ReadOnlyKeyValueStore<String, Comparison> comparisons = stores.localStore(ComparisonStage.COMPARISONS_STORE);
        try (KeyValueIterator<String, Comparison> it = comparisons.prefixScan(
                ComparisonState.pairKey(base, candidate) + CompositeKey.SEPARATOR, new StringSerializer())) {
            it.forEachRemaining(kv -> stored.put(new TaskMetricKey(kv.value.getTask(), kv.value.getMetric()).encode(), kv.value));
        }
        Set<String> both = new TreeSet<>(baseMetrics);
        both.retainAll(candidateMetrics);
        ReadOnlyKeyValueStore<String, Integer> outcomes = stores.localStore(ComparisonStage.OUTCOMES_STORE);
        List<Comparison> out = new ArrayList<>();
        for (String taskMetric : both) {
            Comparison c = stored.get(taskMetric);
            if (c == null) {
                TaskMetricKey k = TaskMetricKey.parse(taskMetric);
                PairCounts counts = ComparisonState.count(outcomes, base, candidate, k.task(), k.metric());
                c = CheckpointComparison.of(base, candidate, k.task(), k.metric(), counts, alpha, System.currentTimeMillis());
            }
            if (PairCounts.of(c).bothObserved()) {
                out.add(c.getAlpha() == alpha ? c : CheckpointComparison.atAlpha(c, alpha));
            }
        }
        return new LocalPart(!baseMetrics.isEmpty(), !candidateMetrics.isEmpty(), out);
    }

    /** Writes the pair to {@code sycostream.compare.pairs} unless it is there already; waits until it is stored. */
    private void register(String base, String candidate) {
        String key = ComparisonState.pairKey(base, candidate);
        ReadOnlyKeyValueStore<String, ComparisonPair> pairs = stores.localStore(ComparisonStage.PAIRS_STORE);
        if (pairs.get(key) != null) {
            return;
        }
        ComparisonPair pair = ComparisonPair.newBuilder().setBaseTarget(base).setCandidateTarget(candidate)
                .setRegisteredAtMs(System.currentTimeMillis()).setRegisteredBy("api").build();
        byte[] value = topics.comparePairs().valueSerde().serializer().serialize(Topics.COMPARE_PAIRS, pair);
        try {
            producer().send(new ProducerRecord<>(Topics.COMPARE_PAIRS, key, value)).get(REGISTER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot register the pair " + key + " in " + Topics.COMPARE_PAIRS + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering the pair " + key, e);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-compare-pairs");
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}
