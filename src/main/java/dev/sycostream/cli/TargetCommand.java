package dev.sycostream.cli;

import dev.sycostream.ingest.TargetRegistrar;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.drift.PinnedBaselines;
import dev.sycostream.report.ResultsView;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.replay.ReplayWatcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "target", description = "Manages evaluation targets (model checkpoints).",
        subcommands = {TargetCommand.Add.class})
final class TargetCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", description = {"Registers a target; the pipeline sends it every stored item (replay) and every new one.",
            "Its id is NAME@CHECKPOINT."})
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Option(names = "--name", required = true, description = "Model name.")
        String name;

        @Option(names = "--checkpoint", required = true, description = "Checkpoint label.")
        String checkpoint;

        @Option(names = "--backend", defaultValue = "simulated", description = "Worker backend (default ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Backend parameter (repeatable), e.g. sycophancy=0.3.")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--probe", paramLabel = "BUDGET", description = {"Probe it continuously after the evaluation, at most BUDGET",
                "requests per period, e.g. 120/h (units s, min, h, d): rounds of stored items, one per task x variant,",
                "with fresh request ids; its sycophancy metrics are tested for drift against the evaluation."})
        String probe;

        @Option(names = "--drift-baseline", paramLabel = "TARGET", description = {"With --probe: test drift against this",
                "checkpoint's evaluation (its cumulative counts now, pinned) instead of the new target's own evaluation."})
        String driftBaseline;

        @Option(names = "--inactive", description = "Register it inactive (no requests are sent).")
        boolean inactive;

        @Option(names = "--wait", description = {"Wait until every stored item is answered and counted for the new target,",
                "printing progress (expected counts from sycostream.datasets.raw, progress from sycostream.metrics.results)."})
        boolean await;

        @Option(names = "--wait-timeout", defaultValue = "PT30M", description = "With --wait, give up after this long (default ${DEFAULT-VALUE}).")
        Duration waitTimeout;

        @Override
        public Integer call() {
            // bad options fail before connecting
            var budget = probe == null ? null : ProbeBudgets.parse(probe);
            if (driftBaseline != null && budget == null) {
                throw new IllegalArgumentException("--drift-baseline needs --probe: only probed targets are tested for drift");
            }
            var config = connection.connect();
            Topics topics = new Topics(config.serdeConfig());
            new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
            var target = TargetRegistrar.target(name + "@" + checkpoint, name, checkpoint, backend, params);
            target.setActive(!inactive);
            target.setProbe(budget);
            if (driftBaseline != null) {
                try (ResultsView view = new ResultsView(config.clientConfig(), topics)) {
                    view.catchUp(Duration.ofMinutes(1));
                    target.setDriftBaseline(PinnedBaselines.of(driftBaseline, view.latest()));
                }
            }
            try (TargetRegistrar registrar = new TargetRegistrar(config.clientConfig(), topics)) {
                registrar.register(target);
            }
            System.out.println("registered target " + target.getTargetId()
                    + (probe == null ? "" : ", probed at most " + ProbeBudgets.format(target.getProbe())));
            if (!await) {
                return 0;
            }
            if (inactive) {
                throw new IllegalArgumentException("--wait with --inactive would never finish: an inactive target gets no requests");
            }
            var items = ReplayWatcher.storedItems(config.clientConfig(), topics, Duration.ofMinutes(2));
            if (items.isEmpty()) {
                System.out.println("no items stored in " + Topics.DATASETS_RAW + ": nothing to replay");
                return 0;
            }
            ExpectedCounts expected = ExpectedCounts.of(items);
            System.out.println("replaying " + items.size() + " stored items (" + expected.requestsPerTarget()
                    + " requests) to " + target.getTargetId());
            boolean done = ReplayWatcher.await(config.clientConfig(), topics, target.getTargetId(), expected,
                    waitTimeout, System.out::println);
            if (!done) {
                System.err.println("error: the replay to " + target.getTargetId() + " did not complete within "
                        + waitTimeout + " (is the pipeline running, and a worker for backend " + backend + "?)");
                return 1;
            }
            return 0;
        }
    }
}
