package dev.sycostream.cli;

import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.input.ReadResult;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ingest", description = {"Loads datasets into sycostream.datasets.raw; bad lines go to sycostream.deadletter with the reason.",
        "SPEC: addition | addition:seed=N | perez-sample | perez:TASK=PATH | classification:DATASET=PATH"})
final class IngestCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Parameters(arity = "1..*", paramLabel = "SPEC")
    List<String> specs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of generated datasets (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--labels", split = ",", paramLabel = "A,B,C",
            description = "Label names, in label-index order, for classification:NAME=PATH datasets without a built-in label map.")
    List<String> labels;

    @Override
    public Integer call() {
        List<DatasetSpec> parsed = specs.stream().map(s -> DatasetSpec.parse(s, labels)).toList(); // fail before sending anything
        var config = connection.connect();
        Topics topics = new Topics(config.serdeConfig());
        new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
        long accepted = 0;
        try (DatasetIngestor ingestor = new DatasetIngestor(config.clientConfig(), topics)) {
        for (DatasetSpec spec : parsed) {
            ReadResult data = spec.load(seed, System.currentTimeMillis());
            DatasetIngestor.Counts c = ingestor.ingest(data);
            accepted += c.accepted();
            System.out.println(spec.describe() + ": " + c.accepted() + " items, " + c.rejected() + " rejected");
            data.rejected().stream().limit(10).forEach(r -> System.err.println("  rejected " + r.source() + ": " + r.reason()));
        }
        }
        // Rejected lines are reported and dead-lettered; only a run that accepted nothing is a failure.
        if (accepted == 0) {
            System.err.println("error: no dataset item could be read; every rejected line is in " + Topics.DEADLETTER
                    + " (sycostream deadletter list --stage ingest)");
            return 1;
        }
        return 0;
    }
}
