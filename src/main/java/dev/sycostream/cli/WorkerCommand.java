package dev.sycostream.cli;

import dev.sycostream.topics.Topics;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
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

    @Override
    public Integer call() throws Exception {
        var config = connection.connect().withRegistryOutageTolerance(ConnectionOptions.SERVICE_REGISTRY_RETRY);
        String id = workerId != null ? workerId : java.net.InetAddress.getLocalHost().getHostName();
        ModelWorker worker = new ModelWorker(config.clientConfig(), new Topics(config.serdeConfig()), id, new Backends());
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "sycostream-worker-shutdown"));
        System.err.println("worker " + id + " started; Ctrl-C stops it");
        worker.run();
        return 0;
    }
}
