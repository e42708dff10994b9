package dev.sycostream.cli;

import dev.sycostream.topics.StrimziTopics;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "topics", description = "Topic provisioning.", subcommands = {TopicsCommand.Apply.class, TopicsCommand.Manifest.class})
final class TopicsCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "apply", description = "Creates missing topics from their declaration and reports drift of existing ones, replication factor and min.insync.replicas included (exit 2 on drift; nothing is altered).")
    static final class Apply implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() {
            var config = connection.connect();
            Topics topics = new Topics(config.serdeConfig());
            List<String> drift = new TopicProvisioner(config.clientConfig())
                    .ensure(topics.all(), config.partitions(), config.replicationFactor());
            topics.all().forEach(t -> System.out.println("ok " + t.name()));
            drift.forEach(d -> System.out.println("drift " + d));
            return drift.isEmpty() ? 0 : 2;
        }
    }

    @Command(name = "manifest", description = "Prints every declared topic as a deployment manifest (Strimzi KafkaTopic YAML); needs no cluster.")
    static final class Manifest implements Callable<Integer> {
        @Option(names = "--format", defaultValue = "strimzi", description = "Manifest format; only strimzi (default).")
        String format;

        @Option(names = "--partitions", defaultValue = "6", description = "Partitions of topics that do not fix their own (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replicas", defaultValue = "3", description = "Replication factor (default ${DEFAULT-VALUE}).")
        int replicas;

        @Option(names = "--cluster", defaultValue = "sycostream", description = "Strimzi Kafka cluster name, label strimzi.io/cluster (default ${DEFAULT-VALUE}).")
        String cluster;

        @Override
        public Integer call() {
            if (!"strimzi".equals(format)) {
                throw new IllegalArgumentException("unknown manifest format '" + format + "'; supported: strimzi");
            }
            // Topic names and configs only: the serdes are never used, so no registry is contacted.
            Topics topics = new Topics(java.util.Map.of("schema.registry.url", "http://unused.invalid"));
            System.out.print(StrimziTopics.render(topics.all(), partitions, replicas, cluster));
            return 0;
        }
    }
}
