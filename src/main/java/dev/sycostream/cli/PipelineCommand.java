package dev.sycostream.cli;

import dev.sycostream.app.PipelineApp;
import dev.sycostream.topology.SycostreamTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "pipeline", description = "Runs the Kafka Streams pipeline (fan-out, scoring, metrics) until stopped.")
final class PipelineCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--no-training-filter",
            description = "Write every synthetic candidate as training data, not only those the target answers correctly without an opinion (the paper's ablation).")
    boolean noTrainingFilter;

    @Override
    public Integer call() throws Exception {
        PipelineApp app = new PipelineApp(connection.connect(),
                SycostreamTopology.Settings.DEFAULT.withTrainingFilter(!noTrainingFilter)).start();
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
