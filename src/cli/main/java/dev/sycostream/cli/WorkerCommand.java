package dev.sycostream.cli;

import dev.sycostream.topics.Topics;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import dev.sycostream.worker.WorkerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "worker", description = "Runs a model worker: answers sycostream.model.requests into sycostream.model.replies.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--worker-id", description = "Stable id of this worker; its transactional.id is sycostream-worker-ID (default: host name).")
    String workerId;

    @Option(names = "--max-in-flight", defaultValue = "64",
            description = "Model calls in flight at once; the consumer pauses while the window is full (default ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-attempts", defaultValue = "3",
            description = "Attempts per request on 429/5xx/timeouts before it is dead-lettered and counted failed (default ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--retry-backoff", defaultValue = "PT0.2S",
            description = "First retry wait, doubled per attempt with jitter, at least the server's Retry-After (default ${DEFAULT-VALUE}).")
    java.time.Duration retryBackoff;

    @Option(names = "--force", description = "Send requests to the model even when their id already has a reply (replays are skipped otherwise).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        var config = connection.connect().withRegistryOutageTolerance(ConnectionOptions.SERVICE_REGISTRY_RETRY);
        String id = workerId != null ? workerId : java.net.InetAddress.getLocalHost().getHostName();
        WorkerSettings settings = WorkerSettings.defaults().withMaxInFlight(maxInFlight).withMaxAttempts(maxAttempts)
                .withRetryBackoff(retryBackoff).withForce(force);
        ModelWorker worker = new ModelWorker(config.clientConfig(), new Topics(config.serdeConfig()), id, new Backends(), settings);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "sycostream-worker-shutdown"));
        System.err.println("worker " + id + " started; Ctrl-C stops it");
        worker.run();
        return 0;
    }
}
