package dev.sycostream.topology;

import dev.sycostream.config.SycostreamConfig;

import dev.sycostream.alerts.AlertRule;
import dev.sycostream.stages.alerts.AlertStage;
import dev.sycostream.stages.compare.ComparisonStage;
import dev.sycostream.stages.budget.ReplayBudgetStage;
import dev.sycostream.drift.DriftSettings;
import dev.sycostream.stages.drift.DriftStage;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.stages.probing.ProbeStage;
import dev.sycostream.stages.metrics.MetricsStage;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import dev.sycostream.stages.pushback.PushbackStage;
import dev.sycostream.stages.scoring.ScoringStage;
import dev.sycostream.topics.Topics;
import dev.sycostream.stages.training.TrainingFilterStage;
import dev.sycostream.stages.usage.UsageStage;
import dev.sycostream.stages.views.DashboardStores;
import dev.sycostream.stages.views.HistoryStores;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.MetricResult;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The evaluation pipeline, stage by stage (the model worker, stage 2, is a separate process):
 * <ol>
 *   <li>{@link RequestFanoutStage}: items × targets → model.requests</li>
 *   <li>(worker) model.requests → model.replies</li>
 *   <li>{@link ScoringStage}: requests ⋈ replies → eval.scored</li>
 *   <li>{@link MetricsStage}: eval.scored → metrics.results</li>
 *   <li>{@link TrainingFilterStage}: eval.scored ⋈ synthetic candidates → training.synthetic</li>
 *   <li>{@link DashboardStores}: metrics.results → the table the dashboard queries; {@link HistoryStores} (added
 *       last): alerts, drift and probe.rounds → the stores of the alert banner and the probing page</li>
 *   <li>{@link AlertStage}: metrics.results (cumulative) → alerts, once per crossing of a rule</li>
 *   <li>{@link ProbeStage}: items × probe budgets → probe requests (model.requests) and probe.rounds</li>
 *   <li>{@link DriftStage}: eval.scored of probed targets → drift, and drift episodes → alerts</li>
 *   <li>{@link UsageStage}: eval.scored (evaluation and probes) → usage.results: tokens and cost per target × task</li>
 *   <li>{@link PushbackStage}: answered multiple-choice turn 1s in eval.scored ⋈ their requests → turn-2 requests
 *       (model.requests), which the worker answers and stage 3 scores like any other</li>
 *   <li>{@link ComparisonStage}: evaluation answers in eval.scored, repartitioned by task → per-item outcomes → the
 *       comparisons of the registered pairs (compare.pairs, successive checkpoints) → metrics.comparisons</li>
 *   <li>(13) {@link ReplayBudgetStage}: the requests of stages 1 and 11 → model.requests, those of a target with a replay
 *       cap only while its reservations fit (settled by its scored answers) → replay.spend</li>
 * </ol>
 * {@code topology/topology.txt} is this topology's checked-in {@code describe()}; a test keeps it current.
 */
public final class SycostreamTopology {

    /**
     * @param metricsWindow  tumbling window of the windowed metrics
     * @param grace          how late (event time) a reply may arrive and still count in its window
     * @param trainingFilter keep a synthetic example for a target only if it answered the opinion-free claim
     *                       correctly (the paper's method); false reproduces the paper's no-filtration ablation
     * @param alerts         alert rules judged on the cumulative results (stage 7); may be empty
     * @param rescore        null for the live pipeline; set, the topology is a rescore run: no fan-out (no model is
     *                       asked anything), no training or alert stage, scoring from the recorded requests and
     *                       replies and metrics into {@code sycostream.metrics.rescored} (see {@link Rescore})
     */
    public record Settings(Duration metricsWindow, Duration grace, RequestFanoutStage.Settings fanout,
                           boolean trainingFilter, List<AlertRule> alerts, Rescore rescore,
                           ProbeStage.Settings probing, DriftSettings drift) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofMinutes(1), Duration.ofMinutes(1), RequestFanoutStage.Settings.DEFAULT, true);

        public Settings {
            alerts = List.copyOf(alerts);
            probing = probing == null ? ProbeStage.Settings.DEFAULT : probing;
            drift = drift == null ? DriftSettings.DEFAULT : drift;
        }

        /** Default probing and drift settings. */
        public Settings(Duration metricsWindow, Duration grace, RequestFanoutStage.Settings fanout, boolean trainingFilter,
                        List<AlertRule> alerts, Rescore rescore) {
            this(metricsWindow, grace, fanout, trainingFilter, alerts, rescore, null, null);
        }

        /** The live pipeline without alert rules. */
        public Settings(Duration metricsWindow, Duration grace, RequestFanoutStage.Settings fanout, boolean trainingFilter) {
            this(metricsWindow, grace, fanout, trainingFilter, List.of(), null);
        }

        public Settings withTrainingFilter(boolean on) {
            return new Settings(metricsWindow, grace, fanout, on, alerts, rescore, probing, drift);
        }

        public Settings withAlerts(List<AlertRule> rules) {
            return new Settings(metricsWindow, grace, fanout, trainingFilter, rules, rescore, probing, drift);
        }

        public Settings withRescore(Rescore r) {
            return new Settings(metricsWindow, grace, fanout, trainingFilter, alerts, r, probing, drift);
        }

        public Settings withProbing(ProbeStage.Settings p) {
            return new Settings(metricsWindow, grace, fanout, trainingFilter, alerts, rescore, p, drift);
        }

        public Settings withDrift(DriftSettings d) {
            return new Settings(metricsWindow, grace, fanout, trainingFilter, alerts, rescore, probing, d);
        }

        /** Whether the prompts stage runs (sends requests to the model workers): not in a rescore run. */
        public boolean fanoutEnabled() {
            return rescore == null;
        }
    }

    /**
     * A rescore run: recompute every metric from the recorded requests and replies into fresh state, without
     * calling any model. It runs under its own application id (so every store starts empty), re-reads
     * {@code sycostream.model.requests} and {@code sycostream.model.replies} from {@code fromMs} (all of them when
     * null), keeps its scored answers in an internal topic (the live pipeline never sees them: it would count
     * them twice) and writes its results to {@code sycostream.metrics.rescored} under keys prefixed "runId|".
     * The scored-ids store makes every request count once, so the same inputs give exactly the same counts.
     */
    public record Rescore(String runId, Long fromMs) {
        public Rescore {
            if (runId == null || runId.isBlank() || !CompositeKey.isValidPart(runId)) {
                throw new IllegalArgumentException("a rescore run id must be non-empty and contain no '|', got '" + runId + "'");
            }
        }

        /** The prefix of this run's keys in {@code sycostream.metrics.rescored}. */
        public String keyPrefix() {
            return CompositeKey.prefix(runId);
        }
    }

    private SycostreamTopology() {
    }

    public static Topology buildTopology(Topics topics, Settings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        if (settings.rescore() != null) {
            KStream<String, ScoredAnswer> rescored = ProbeStage.evaluationOnly(
                    ScoringStage.addRescoringTo(builder, topics, settings.rescore().fromMs()));
            MetricsStage.addTo(builder, topics, rescored, settings.metricsWindow(), settings.grace(),
                    topics.metricsRescored(), settings.rescore().keyPrefix());
            return builder.build();
        }
        // Each topic has one source; stages that read the same topic share its stream.
        KStream<String, DatasetItem> items =
                builder.stream(topics.datasetsRaw().name(), topics.datasetsRaw().consumed("items-source"));
        KStream<String, ModelRequest> requests = RequestFanoutStage.addTo(builder, topics, items, settings.fanout());
        ProbeStage.addTo(builder, topics, items, settings.probing());
        ScoringStage.Outputs scoring = ScoringStage.addWithRequestsTo(builder, topics);
        KStream<String, ScoredAnswer> scored = scoring.scored();
        // Probe answers repeat items: the evaluation metrics and training examples count each item's answer once.
        KStream<String, ScoredAnswer> evaluation = ProbeStage.evaluationOnly(scored);
        KStream<String, ModelRequest> secondTurns = PushbackStage.addTo(topics, evaluation, scoring.requests());
        MetricsStage.addTo(builder, topics, evaluation, settings.metricsWindow(), settings.grace());
        TrainingFilterStage.addTo(topics, items, evaluation, settings.trainingFilter());
        DriftStage.addTo(builder, topics, scored, settings.drift());
        // The results topic also has one source, shared by the dashboard's table and the alert rules.
        KStream<String, MetricResult> results =
                builder.stream(topics.metricsResults().name(), topics.metricsResults().consumed("results-source"));
        DashboardStores.addTo(topics, results);
        AlertStage.addTo(builder, topics, results, settings.alerts());
        // Added last, so the sub-topologies before it keep their numbers (and their tasks' state directories).
        UsageStage.addTo(builder, topics, scored, settings.metricsWindow(), settings.grace());
        ProbeStage.addSettlementTo(topics, scored);
        ComparisonStage.addTo(builder, topics, evaluation);
        // The evaluation's requests reach the workers here, directly or through a target's replay cap (added last too).
        ReplayBudgetStage.addTo(builder, topics, List.of(
                new ReplayBudgetStage.Source("prompts", requests, RequestFanoutStage.REQUESTS_SINK),
                new ReplayBudgetStage.Source("pushback", secondTurns, PushbackStage.REQUESTS_SINK)), evaluation);
        // The stores of the alert banner and the probing page, from the topics those stages write (added last too).
        HistoryStores.addTo(builder, topics);
        return builder.build(optimizations());
    }

    /** The topology optimizations the app runs with: {@link SycostreamConfig#topologyOptimizations()}. */
    public static Properties optimizations() {
        return SycostreamConfig.topologyOptimizations();
    }
}
