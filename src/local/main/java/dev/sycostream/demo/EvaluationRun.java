package dev.sycostream.demo;

import dev.sycostream.app.PipelineApp;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.history.UsageHistory;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.history.ResultsView;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import dev.sycostream.worker.WorkerSettings;
import dev.sycostream.web.WebDashboard;
import dev.sycostream.web.WebOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.sycostream.history.TrainingSetReader;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One evaluation, end to end, against any cluster: the pipeline app and model workers run in this process,
 * targets are registered and datasets ingested through the topics, and completion is read from the results
 * topic (every cumulative metric of every target reaching exactly its expected n). Used by {@code demo}
 * and the integration tests.
 */
public final class EvaluationRun implements AutoCloseable {
    private final SycostreamConfig config;
    private final Topics topics;
    private final PipelineApp app;
    private final List<ModelWorker> workers = new ArrayList<>();
    private ResultsView results;
    private WebDashboard dashboard;
    /** The items ingested through this run, by id: the same item ingested twice is one item, asked once. */
    private final Map<String, DatasetItem> items = new java.util.LinkedHashMap<>();
    private final Set<String> targets = new LinkedHashSet<>();

    private EvaluationRun(SycostreamConfig config, SycostreamTopology.Settings settings) {
        this.config = config;
        this.topics = new Topics(config.serdeConfig());
        this.app = new PipelineApp(config, settings);
    }

    /** Provisions topics, starts the pipeline (waits until RUNNING) and {@code workerCount} model workers. */
    public static EvaluationRun start(SycostreamConfig config, SycostreamTopology.Settings settings, int workerCount)
            throws InterruptedException {
        return start(config, settings, workerCount, null);
    }

    /**
     * As {@link #start(SycostreamConfig, SycostreamTopology.Settings, int)}, also serving the dashboard, REST and
     * Prometheus APIs of the pipeline ({@link WebDashboard}) when {@code web} is not null.
     */
    public static EvaluationRun start(SycostreamConfig config, SycostreamTopology.Settings settings, int workerCount,
                                      WebOptions web) throws InterruptedException {
        return start(config, settings, workerCount, web, WorkerSettings.defaults());
    }

    /** As above, with the workers' window and retry settings. */
    public static EvaluationRun start(SycostreamConfig config, SycostreamTopology.Settings settings, int workerCount,
                                      WebOptions web, WorkerSettings workerSettings) throws InterruptedException {
        EvaluationRun run = new EvaluationRun(config, settings);
        try {
            run.app.start(); // provisions the topics first
            run.results = new ResultsView(config.clientConfig(), run.topics);
            if (!run.app.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("pipeline did not reach RUNNING within 2 minutes");
            }
            if (web != null) {
                run.dashboard = WebDashboard.start(run.app, config, web);
            }
            Backends backends = new Backends();
            for (int i = 0; i < workerCount; i++) {
                ModelWorker w = new ModelWorker(config.clientConfig(), run.topics, "demo-" + i, backends, workerSettings);
                run.workers.add(w);
                w.start();
            }
            return run;
        } catch (RuntimeException | InterruptedException e) {
            run.close();
            throw e;
        }
    }

    public Topics topics() {
        return topics;
    }

    public PipelineApp app() {
        return app;
    }

    /** The dashboard, if this run serves one. */
    public java.util.Optional<WebDashboard> dashboard() {
        return java.util.Optional.ofNullable(dashboard);
    }

    public void register(EvalTarget target) {
        try (TargetRegistrar registrar = new TargetRegistrar(config.clientConfig(), topics)) {
            registrar.register(target);
        }
        targets.add(target.getTargetId());
    }

    public DatasetIngestor.Counts ingest(ReadResult data) {
        DatasetIngestor.Counts counts;
        try (DatasetIngestor ingestor = new DatasetIngestor(config.clientConfig(), topics)) {
            counts = ingestor.ingest(data);
        }
        data.items().forEach(i -> items.put(i.getItemId(), i));
        return counts;
    }

    /** Tombstones for items (see {@link DatasetIngestor#retire}); they no longer count in {@link #expected()}. */
    public long retire(List<String> itemIds) {
        try (DatasetIngestor ingestor = new DatasetIngestor(config.clientConfig(), topics)) {
            ingestor.retire(itemIds);
        }
        itemIds.forEach(items::remove);
        return itemIds.size();
    }

    /** The items ingested through this run (after retirements). */
    public java.util.Collection<DatasetItem> items() {
        return java.util.Collections.unmodifiableCollection(items.values());
    }

    /** The n each metric must reach, from the items ingested through this run. */
    public ExpectedCounts expected() {
        return ExpectedCounts.of(items.values());
    }

    /**
     * Waits until every request of every registered target is answered and counted.
     *
     * @param progress receives a one-line status about every two seconds
     * @return false on timeout
     * @throws IllegalStateException if the pipeline stopped with an error
     */
    public boolean awaitComplete(Duration timeout, Consumer<String> progress) {
        return awaitComplete(expected(), timeout, progress);
    }

    /** As above, for items ingested some other way (e.g. by {@code sycostream ingest} into the run's broker). */
    public boolean awaitComplete(ExpectedCounts expected, Duration timeout, Consumer<String> progress) {
        return awaitProgress(expected, timeout, Duration.ofSeconds(2), p -> progress.accept(p.line()));
    }

    /** Where an evaluation stands: answers counted in the metrics, of all requests, and the workers' replies. */
    public record Progress(long answered, long total, long workersReplied, boolean done) {
        public String line() {
            return done ? "answered " + total + " / " + total + " requests: metrics are final"
                    : String.format("answered %d / %d requests (workers replied to %d)", answered, total, workersReplied);
        }
    }

    /** As {@link #awaitComplete}, reporting every {@code every} and once more when done. */
    public boolean awaitProgress(ExpectedCounts expected, Duration timeout, Duration every, Consumer<Progress> progress) {
        long total = expected.requestsPerTarget() * targets.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = 0;
        while (System.nanoTime() < deadline) {
            results.poll(Duration.ofMillis(250));
            if (app.failure() != null) {
                throw new IllegalStateException("pipeline failed: " + app.failure().getMessage(), app.failure());
            }
            List<MetricResult> latest = results.latest();
            if (expected.complete(targets, latest)) {
                progress.accept(new Progress(total, total, workers.stream().mapToLong(ModelWorker::processed).sum(), true));
                return true;
            }
            if (System.nanoTime() >= nextReport) {
                long seen = ExpectedCounts.answersSeen(latest, targets);
                long answeredByWorkers = workers.stream().mapToLong(ModelWorker::processed).sum();
                progress.accept(new Progress(seen, total, answeredByWorkers, false));
                nextReport = System.nanoTime() + every.toNanos();
            }
        }
        return false;
    }

    /**
     * The number of training examples each target must end up with: its filter_kept count over all synthetic
     * tasks with filtration on, or the number of candidates with it off.
     */
    public Map<String, Long> expectedTrainingExamples(boolean filter) {
        Map<String, Long> expected = new TreeMap<>();
        targets.forEach(t -> expected.put(t, 0L));
        for (MetricResult r : finalResults()) {
            if (MetricNames.FILTER_KEPT.equals(r.getMetric())) {
                expected.merge(r.getTargetId(), filter ? r.getCount() : r.getN(), Long::sum);
            }
        }
        return expected;
    }

    /**
     * Waits until {@code sycostream.training.synthetic} holds exactly the expected examples per target (the
     * training stage runs in its own sub-topology, so it may trail the metrics by a commit interval).
     */
    public boolean awaitTrainingExamples(Map<String, Long> expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TrainingSetReader reader = new TrainingSetReader(config.clientConfig(), topics);
        while (System.nanoTime() < deadline) {
            // One pass over the topic per check, for all targets at once.
            Map<String, List<TrainingExample>> sets = reader.read(expected.keySet(), Duration.ofSeconds(30));
            if (expected.entrySet().stream().allMatch(e -> sets.get(e.getKey()).size() == e.getValue())) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    public List<String> targets() {
        return List.copyOf(targets);
    }

    public SycostreamConfig config() {
        return config;
    }

    /** The latest cumulative result of every metric of the registered targets. */
    public List<MetricResult> finalResults() {
        results.catchUp(Duration.ofSeconds(30));
        return results.latest().stream()
                .filter(r -> MetricNames.CUMULATIVE.equals(r.getWindow()) && targets.contains(r.getTargetId()))
                .toList();
    }

    /**
     * The cumulative usage (requests, tokens, cost) of the registered targets, once it counts every answer of
     * {@code finalResults} (the usage stage may trail the metrics by a commit; waits at most 30 s for it).
     */
    public List<UsageResult> finalUsage(List<MetricResult> finalResults) throws InterruptedException {
        return UsageHistory.awaitCovering(config.clientConfig(), topics, finalResults, Duration.ofSeconds(30)).stream()
                .filter(u -> targets.contains(u.getTargetId())).toList();
    }

    /** All latest results (cumulative and windowed) of the registered targets. */
    public List<MetricResult> allResults() {
        results.catchUp(Duration.ofSeconds(30));
        return results.latest().stream().filter(r -> targets.contains(r.getTargetId())).toList();
    }

    @Override
    public void close() {
        if (dashboard != null) {
            dashboard.close();
        }
        workers.forEach(ModelWorker::close);
        app.close();
        if (results != null) {
            results.close();
        }
    }
}
