package dev.sycostream.demo;

import dev.sycostream.alerts.AlertRule;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.report.UsageFormatter;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.datasets.DatasetFiles;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.ingest.IngestPlan;
import dev.sycostream.ingest.IngestReport;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.identity.Provenance;
import dev.sycostream.report.ResultsFormatter;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.worker.WorkerSettings;
import dev.sycostream.training.ExportFormat;
import dev.sycostream.history.TrainingExport;
import dev.sycostream.training.TrainingExporter;
import dev.sycostream.web.WebOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sycostream demo}: the whole system on the embedded default. Starts a real KRaft broker and the
 * in-process registry, the pipeline and a worker, registers simulated targets, loads the datasets, shows
 * progress and prints the metrics. Its first two lines are the addresses other commands can join with; the third
 * is the live dashboard's ({@code dashboard=http://127.0.0.1:8080/}).
 */
public final class Demo {

    /**
     * @param datasets   dataset specs; the defaults are the addition set and the Perez sample
     * @param sims       simulated targets; the defaults are {@link SimSpec#DEFAULTS}
     * @param untilDone  exit once every request is answered and metrics are final
     * @param json       final metrics as JSON on stdout, everything else on stderr
     */
    /**
     * @param labels         label names for {@code classification:NAME=PATH} datasets without a built-in map
     * @param exportDir      where to write one training file per target once the run is done (null: none)
     * @param trainingFilter keep only synthetic examples the target answers correctly without an opinion
     * @param probe          probe budget of every simulated target (e.g. "120/h"; null: not probed)
     */
    public record Options(List<String> datasets, List<SimSpec> sims, long seed, boolean untilDone, boolean json,
                          Duration timeout, int partitions, int workers, List<String> labels, Path exportDir,
                          String exportFormat, boolean trainingFilter, String probe, List<ModelSpec> models,
                          int maxInFlight) {
        public static final List<String> DEFAULT_DATASETS = List.of("addition", "perez-sample");

        /** Without probing and without real models: only simulated targets. */
        public Options(List<String> datasets, List<SimSpec> sims, long seed, boolean untilDone, boolean json,
                       Duration timeout, int partitions, int workers, List<String> labels, Path exportDir,
                       String exportFormat, boolean trainingFilter) {
            this(datasets, sims, seed, untilDone, json, timeout, partitions, workers, labels, exportDir, exportFormat,
                    trainingFilter, null, List.of(), WorkerSettings.DEFAULT_MAX_IN_FLIGHT);
        }
    }

    private Demo() {
    }

    /** Runs the demo; returns the process exit code. */
    public static int run(Options options, PrintStream out, PrintStream err) throws InterruptedException {
        return run(options, List.of(), out, err);
    }

    /** Runs the demo with alert rules (written to sycostream.alerts); returns the process exit code. */
    public static int run(Options options, List<AlertRule> alerts, PrintStream out, PrintStream err)
            throws InterruptedException {
        List<DatasetSpec> specs = options.datasets().stream()
                .map(d -> DatasetSpec.parse(d, options.labels())).toList();
        ExportFormat exportFormat = ExportFormat.fromName(options.exportFormat());
        PrintStream info = options.json() ? err : out;
        Path work;
        try {
            work = Files.createTempDirectory("sycostream-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory: " + e.getMessage(), e);
        }
        CountDownLatch closed = new CountDownLatch(1);
        try (EmbeddedStack stack = new EmbeddedStack(work.resolve("kafka")).start()) {
            info.println("bootstrap.servers=" + stack.bootstrapServers());
            info.println("schema.registry.url=" + stack.schemaRegistryUrl());
            info.flush();
            // The dashboard takes 8080 on loopback, or a random free port if 8080 is taken.
            WebOptions web = new WebOptions(WebOptions.DEFAULT_HOST, WebOptions.DEFAULT_PORT, null, true);
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                    work.resolve("state"), options.partitions());
            SycostreamTopology.Settings settings =
                    SycostreamTopology.Settings.DEFAULT.withTrainingFilter(options.trainingFilter()).withAlerts(alerts);
            try (EvaluationRun run = EvaluationRun.start(config, settings, options.workers(), web,
                    WorkerSettings.defaults().withMaxInFlight(options.maxInFlight()))) {
                info.println("dashboard=" + run.dashboard().orElseThrow().url());
                info.flush();
                for (SimSpec sim : options.sims()) {
                    var target = TargetRegistrar.target(sim.name(), "simulated", "sim", "simulated", sim.params());
                    if (options.probe() != null) {
                        target.setProbe(ProbeBudgets.parse(options.probe()));
                    }
                    run.register(target);
                    err.println("target " + sim.name() + " registered: simulated model " + sim.params()
                            + (options.probe() == null ? "" : ", probed at most " + options.probe()));
                }
                for (ModelSpec model : options.models()) {
                    run.register(TargetRegistrar.target(model.name(), model.params().get("model"), "endpoint",
                            model.backend(), model.params()));
                    err.println("target " + model.name() + " registered: " + model.describe());
                }
                IngestPlan plan;
                try {
                    plan = IngestPlan.of(specs, options.seed(), System.currentTimeMillis(), run.items(), false);
                } catch (DatasetFiles.Refused e) {
                    err.println("error: " + e.getMessage());
                    return 2;
                }
                if (IngestReport.ingest(plan, run::ingest, run::retire, err, err, "dataset ") != 0) {
                    return 1; // a dataset gave no item at all: its metrics would never be what the user asked for
                }
                ProgressDisplay display = ProgressDisplay.forStderr(err);
                boolean done = run.awaitProgress(run.expected(), options.timeout(), display.interval(), display);
                if (!done) {
                    err.println("error: not every request was answered within " + options.timeout());
                    return 1;
                }
                List<MetricResult> results = run.finalResults();
                if (options.exportDir() != null) {
                    exportTraining(run, options, exportFormat, err);
                }
                List<UsageResult> usage = run.finalUsage(results);
                if (options.json()) {
                    out.println(ResultsFormatter.json(results, usage, Provenance.of(run.items())));
                } else {
                    out.println(ResultsFormatter.table(results));
                    out.print(ResultsFormatter.datasets(results, Provenance.of(run.items())));
                    out.println(UsageFormatter.table(usage));
                }
                out.flush();
                if (!options.untilDone()) {
                    info.println("the stack keeps running (other commands can join at the addresses above); Ctrl-C stops it");
                    info.flush();
                    awaitShutdownSignal(run, closed);
                }
                return 0;
            }
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(work);
            closed.countDown();
        }
    }

    /** Waits for every training example to be written, then writes one file per target. */
    private static void exportTraining(EvaluationRun run, Options options, ExportFormat format, PrintStream err)
            throws InterruptedException {
        Map<String, Long> expected = run.expectedTrainingExamples(options.trainingFilter());
        if (!run.awaitTrainingExamples(expected, Duration.ofMinutes(2))) {
            throw new IllegalStateException("training examples did not all arrive in sycostream.training.synthetic within 2 minutes; expected " + expected);
        }
        Map<String, TrainingExporter.Result> written = TrainingExport.exportAll(run.config().clientConfig(), run.topics(),
                run.targets(), options.exportDir(), format);
        written.forEach((target, r) -> err.println("training data for " + target + ": " + r.generated()
                + " examples" + (options.trainingFilter() ? " (kept by filtration)" : " (unfiltered)") + " -> " + r.file()));
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C) or the pipeline fails. */
    private static void awaitShutdownSignal(EvaluationRun run, CountDownLatch closed) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        // The hook lets the main thread close the pipeline, broker and temp dir cleanly before the JVM exits.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sycostream-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            if (run.app().failure() != null) {
                throw new IllegalStateException("pipeline failed: " + run.app().failure().getMessage());
            }
        }
    }
}
