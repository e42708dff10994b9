package dev.sycostream.cli;

import dev.sycostream.topics.Topics;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import dev.sycostream.worker.WorkerSettings;
import dev.sycostream.worker.http.WorkerHttpServer;
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

    @Option(names = "--http-port", defaultValue = "-1",
            description = "Port of the worker's /metrics, /health/live and /health/ready (default: none served; 0 = random).")
    int httpPort;

    @Option(names = "--http-host", defaultValue = "0.0.0.0",
            description = "Interface of the worker's HTTP port (default ${DEFAULT-VALUE}: probes and scrapers come from outside the pod).")
    String httpHost;

    @Option(names = "--force", description = "Send requests to the model even when their id already has a reply (replays are skipped otherwise).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        var config = connection.connect().withRegistryOutageTolerance(ConnectionOptions.SERVICE_REGISTRY_RETRY);
        String id = workerId != null ? workerId : java.net.InetAddress.getLocalHost().getHostName();
        WorkerSettings settings = WorkerSettings.defaults().withMaxInFlight(maxInFlight).withMaxAttempts(maxAttempts)
                .withRetryBackoff(retryBackoff).withForce(force).withStateDir(connection.stateDir);
        ModelWorker worker = new ModelWorker(config.clientConfig(), new Topics(config.serdeConfig()), id, new Backends(), settings);
        WorkerHttpServer http = httpPort < 0 ? null : WorkerHttpServer.start(worker, httpHost, httpPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            if (http != null) {
                http.close();
            }
        }, "sycostream-worker-shutdown"));
        if (http != null) {
            System.err.println("worker http=http://" + httpHost + ":" + http.port() + " (/metrics, /health/live, /health/ready)");
        }
        System.err.println("worker " + id + " started; Ctrl-C stops it");
        worker.run();
        return 0;
    }
}
