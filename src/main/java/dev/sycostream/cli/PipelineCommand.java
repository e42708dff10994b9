package dev.sycostream.cli;

import dev.sycostream.app.PipelineApp;
import dev.sycostream.topology.SycostreamTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.sycostream.alerts.AlertRule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "pipeline", description = "Runs the Kafka Streams pipeline (fan-out, scoring, metrics) until stopped.")
final class PipelineCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--no-training-filter",
            description = "Write every synthetic candidate as training data, not only those the target answers correctly without an opinion (the paper's ablation).")
    boolean noTrainingFilter;

    @Option(names = "--alert", paramLabel = "RULE",
            description = "Alert rule (repeatable): '[TARGET:]TASK/METRIC > X' or '< X', judged on the 95% interval bound, "
                    + "e.g. 'addition/agree_wrong_with_opinion > 0.2'; alerts go to sycostream.alerts.")
    List<String> alerts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<AlertRule> rules = alerts.stream().map(AlertRule::parse).toList(); // bad rules fail before connecting
        PipelineApp app = new PipelineApp(connection.connect(),
                SycostreamTopology.Settings.DEFAULT.withTrainingFilter(!noTrainingFilter).withAlerts(rules)).start();
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            closed.countDown();
        }, "sycostream-pipeline-shutdown"));
        System.err.println("pipeline started; Ctrl-C stops it");
        app.awaitStopped(Duration.ofDays(36500));
        if (app.failure() != null) {
            throw new IllegalStateException("pipeline failed: " + app.failure().getMessage(), app.failure());
        }
        closed.await();
        return 0;
    }
}
