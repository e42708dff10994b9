package dev.sycostream.cli;

import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "topics", description = "Topic provisioning.", subcommands = {TopicsCommand.Apply.class})
final class TopicsCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "apply", description = "Creates missing topics from their declaration and reports drift of existing ones (exit 2 on drift).")
    static final class Apply implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() {
            var config = connection.toConfig();
            Topics topics = new Topics(config.serdeConfig());
            List<String> drift = new TopicProvisioner(config.clientConfig())
                    .ensure(topics.all(), config.partitions(), config.replicationFactor());
            topics.all().forEach(t -> System.out.println("ok " + t.name()));
            drift.forEach(d -> System.out.println("drift " + d));
            return drift.isEmpty() ? 0 : 2;
        }
    }
}
