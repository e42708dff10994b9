package dev.sycostream.topics;

import dev.sycostream.avro.Alert;
import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ComparisonPair;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The single declaration of every topic with its serdes. Keys are strings; values are Avro records in the
 * Confluent wire format (subject {@code <topic>-value}). {@code topology/topics.md} documents the same table.
 *
 * <p>Data flow: datasets.raw + eval.targets → (prompts) → model.requests → (worker) → model.replies →
 * (scoring) → eval.scored → (metrics) → metrics.results. Anything unprocessable goes to deadletter.
 */
public final class Topics {
    public static final String DATASETS_RAW = "sycostream.datasets.raw";
    public static final String EVAL_TARGETS = "sycostream.eval.targets";
    public static final String MODEL_REQUESTS = "sycostream.model.requests";
    public static final String MODEL_REPLIES = "sycostream.model.replies";
    public static final String EVAL_SCORED = "sycostream.eval.scored";
    public static final String METRICS_RESULTS = "sycostream.metrics.results";
    public static final String DEADLETTER = "sycostream.deadletter";
    public static final String TRAINING_SYNTHETIC = "sycostream.training.synthetic";
    public static final String METRICS_RESCORED = "sycostream.metrics.rescored";
    public static final String METRICS_COMPARISONS = "sycostream.metrics.comparisons";
    public static final String ALERTS = "sycostream.alerts";
    public static final String PROBE_ROUNDS = "sycostream.probe.rounds";
    public static final String DRIFT = "sycostream.drift";
    public static final String USAGE_RESULTS = "sycostream.usage.results";
    public static final String COMPARE_PAIRS = "sycostream.compare.pairs";
    public static final String REPLAY_SPEND = "sycostream.replay.spend";

    /** Kept compacted: the latest value per key is the state (items, targets, latest metric values). */
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");
    /** Event logs are kept 30 days, long enough to replay a month of traffic against a new checkpoint. */
    private static final Map<String, String> LOG_30_DAYS = Map.of(
            "cleanup.policy", "delete", "retention.ms", Long.toString(Duration.ofDays(30).toMillis()));

    private final Map<String, ?> serdeConfig;
    private final Topic<String, DatasetItem> datasetsRaw;
    private final Topic<String, EvalTarget> evalTargets;
    private final Topic<String, ModelRequest> modelRequests;
    private final Topic<String, ModelReply> modelReplies;
    private final Topic<String, ScoredAnswer> evalScored;
    private final Topic<String, MetricResult> metricsResults;
    private final Topic<String, DeadLetter> deadletter;
    private final Topic<String, TrainingExample> trainingSynthetic;
    private final Topic<String, MetricResult> metricsRescored;
    private final Topic<String, Comparison> metricsComparisons;
    private final Topic<String, Alert> alerts;
    private final Topic<String, ProbeRound> probeRounds;
    private final Topic<String, DriftRecord> drift;
    private final Topic<String, UsageResult> usageResults;
    private final Topic<String, ComparisonPair> comparePairs;
    private final Topic<String, ReplaySpend> replaySpend;

    /** @param serdeConfig schema registry settings ({@code schema.registry.url}, auth, ...) for the value serdes */
    public Topics(Map<String, ?> serdeConfig) {
        this.serdeConfig = Map.copyOf(serdeConfig);
        datasetsRaw = topic(DATASETS_RAW, DatasetItem.class, -1, COMPACTED, "item_id",
                "Raw evaluation items (Perez questions, addition claims).");
        evalTargets = topic(EVAL_TARGETS, EvalTarget.class, -1, COMPACTED, "target_id",
                "Models / checkpoints under evaluation; a new one is sent every stored item.");
        modelRequests = topic(MODEL_REQUESTS, ModelRequest.class, -1, LOG_30_DAYS, "request_id",
                "One rendered prompt for one target; consumed by the model worker.");
        modelReplies = topic(MODEL_REPLIES, ModelReply.class, -1, LOG_30_DAYS, "request_id",
                "The model's reply (or error) per request; written by the worker.");
        evalScored = topic(EVAL_SCORED, ScoredAnswer.class, -1, LOG_30_DAYS, "target_id|item_id",
                "Each reply joined to its request, parsed and scored.");
        metricsResults = topic(METRICS_RESULTS, MetricResult.class, -1, COMPACTED, "target_id|task|metric|window",
                "Latest value of every metric, cumulative and per window, with Wilson 95% interval.");
        trainingSynthetic = topic(TRAINING_SYNTHETIC, TrainingExample.class, -1, COMPACTED, "target_id|item_id",
                "Synthetic fine-tuning examples per target, kept where the target knows the answer without an opinion.");
        // Compacted but also aged out: each rescore run writes its own keys, so old runs disappear after 30 days.
        metricsRescored = topic(METRICS_RESCORED, MetricResult.class, -1, Map.of("cleanup.policy", "compact,delete",
                        "retention.ms", Long.toString(Duration.ofDays(30).toMillis())), "run_id|target_id|task|metric|window",
                "Metrics recomputed by `rescore` from recorded requests and replies, one set of keys per run.");
        metricsComparisons = topic(METRICS_COMPARISONS, Comparison.class, -1, COMPACTED, "base|candidate|task|metric",
                "Latest comparison of two targets per task and metric: rates, difference, exact McNemar p-value, verdict.");
        alerts = topic(ALERTS, Alert.class, -1, LOG_30_DAYS, "rule|target_id|task|metric",
                "Alert rules crossing (firing) or clearing, once per crossing, judged on the interval bound.");
        probeRounds = topic(PROBE_ROUNDS, ProbeRound.class, -1, LOG_30_DAYS, "target_id|round",
                "One record per probe round of a target's probe schedule: when, how many requests, per task/variant.");
        drift = topic(DRIFT, DriftRecord.class, -1, LOG_30_DAYS, "target_id|task|metric",
                "The drift test of a probed metric after each probe answer: baseline, recent probes, CUSUMs, episode start/end.");
        usageResults = topic(USAGE_RESULTS, UsageResult.class, -1, COMPACTED, "target_id|task|window",
                "Requests, prompt and completion tokens and cost (USD) per target and task, cumulative and per window.");
        // Small and compacted: one record per pair ever asked for; the comparison stage reads it as a global store.
        comparePairs = topic(COMPARE_PAIRS, ComparisonPair.class, -1, COMPACTED, "base|candidate",
                "Pairs of targets registered for comparison (asked through /api/compare or `compare`); the stage keeps them current.");
        replaySpend = topic(REPLAY_SPEND, ReplaySpend.class, -1, COMPACTED, "target_id",
                "The spend of a target's replay under its hard cap (target add --max-cost-usd): settled, reserved, held, exhausted.");
        // One partition: dead letters are rare and read by people, in order.
        deadletter = topic(DEADLETTER, DeadLetter.class, 1, LOG_30_DAYS, "original key or source",
                "Records that could not be processed, with the reason and original bytes.");
    }

    private <V extends SpecificRecord> Topic<String, V> topic(String name, Class<V> type, int partitions,
                                                              Map<String, String> config, String key, String doc) {
        return new Topic<>(name, Serdes.String(), valueSerde(type), partitions, config, key, doc);
    }

    /** A value serde of the given type configured for this deployment's registry (for stores and internal topics). */
    public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        return AvroSerdes.specific(type, serdeConfig, false);
    }

    public Map<String, ?> serdeConfig() {
        return serdeConfig;
    }

    public Topic<String, DatasetItem> datasetsRaw() {
        return datasetsRaw;
    }

    public Topic<String, EvalTarget> evalTargets() {
        return evalTargets;
    }

    public Topic<String, ModelRequest> modelRequests() {
        return modelRequests;
    }

    public Topic<String, ModelReply> modelReplies() {
        return modelReplies;
    }

    public Topic<String, ScoredAnswer> evalScored() {
        return evalScored;
    }

    public Topic<String, MetricResult> metricsResults() {
        return metricsResults;
    }

    public Topic<String, TrainingExample> trainingSynthetic() {
        return trainingSynthetic;
    }

    public Topic<String, MetricResult> metricsRescored() {
        return metricsRescored;
    }

    public Topic<String, Comparison> metricsComparisons() {
        return metricsComparisons;
    }

    public Topic<String, Alert> alerts() {
        return alerts;
    }

    public Topic<String, ProbeRound> probeRounds() {
        return probeRounds;
    }

    public Topic<String, DriftRecord> drift() {
        return drift;
    }

    public Topic<String, UsageResult> usageResults() {
        return usageResults;
    }

    public Topic<String, ComparisonPair> comparePairs() {
        return comparePairs;
    }

    public Topic<String, ReplaySpend> replaySpend() {
        return replaySpend;
    }

    public Topic<String, DeadLetter> deadletter() {
        return deadletter;
    }

    /** All topics, in data-flow order. */
    public List<Topic<String, ?>> all() {
        return List.of(datasetsRaw, evalTargets, modelRequests, modelReplies, evalScored, metricsResults, usageResults,
                trainingSynthetic, metricsRescored, metricsComparisons, alerts, probeRounds, drift, replaySpend, deadletter,
                comparePairs);
    }
}
