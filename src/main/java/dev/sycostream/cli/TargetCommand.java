package dev.sycostream.cli;

import dev.sycostream.ingest.TargetRegistrar;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

        @Option(names = "--inactive", description = "Register it inactive (no requests are sent).")
        boolean inactive;

        @Override
        public Integer call() {
            var config = connection.connect();
            Topics topics = new Topics(config.serdeConfig());
            new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
            var target = TargetRegistrar.target(name + "@" + checkpoint, name, checkpoint, backend, params);
            target.setActive(!inactive);
            try (TargetRegistrar registrar = new TargetRegistrar(config.clientConfig(), topics)) {
                registrar.register(target);
            }
            System.out.println("registered target " + target.getTargetId());
            return 0;
        }
    }
}
