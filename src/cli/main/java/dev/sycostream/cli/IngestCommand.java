package dev.sycostream.cli;

import dev.sycostream.datasets.DatasetFiles;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.history.DatasetCatalog;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.ingest.IngestPlan;
import dev.sycostream.ingest.IngestReport;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ingest", description = {"Loads datasets into sycostream.datasets.raw; bad lines go to sycostream.deadletter with the reason.",
        "SPEC: addition | addition:seed=N | perez-sample | perez:TASK=PATH | classification:DATASET=PATH",
        "  | multiple-choice:NAME=PATH[;pushback=KIND,...] | are-you-sure:NAME=PATH[;pushback=KIND,...] | addition-pushback[;pushback=KIND,...]",
        "Item ids come from content: the same question ingested again is the same item and is not asked again.",
        "Refused before anything is sent: an empty file, a Git LFS pointer, a byte copy of a file ingested under another task.",
        "Exit 1 if a dataset gave no item at all (its rejected lines are still dead-lettered), 2 if a file is refused."})
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

    @Option(names = "--replace", description = {"Replace each task read here: its stored items that the new files do not have are "
            + "retired (never asked again; answers already counted stay counted). Without it new items are added and old ones stay."})
    boolean replace;

    @Override
    public Integer call() {
        List<DatasetSpec> parsed = specs.stream().map(s -> DatasetSpec.parse(s, labels)).toList(); // fail before sending anything
        var config = connection.connect();
        Topics topics = new Topics(config.serdeConfig());
        new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
        DatasetCatalog stored = DatasetCatalog.read(config.clientConfig(), topics, Duration.ofMinutes(2));
        IngestPlan plan;
        try {
            plan = IngestPlan.of(parsed, seed, System.currentTimeMillis(), stored.items(), replace);
        } catch (DatasetFiles.Refused e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        try (DatasetIngestor ingestor = new DatasetIngestor(config.clientConfig(), topics)) {
            return IngestReport.ingest(plan, ingestor::ingest, ingestor::retire, System.out, System.err);
        }
    }
}
