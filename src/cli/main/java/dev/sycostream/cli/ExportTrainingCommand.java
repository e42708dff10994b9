package dev.sycostream.cli;

import dev.sycostream.avro.TrainingExample;
import dev.sycostream.topics.Topics;
import dev.sycostream.training.ExportFormat;
import dev.sycostream.training.MixSpec;
import dev.sycostream.training.ProgressBar;
import dev.sycostream.training.TrainingExporter;
import dev.sycostream.history.TrainingSetReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export-training", description = {
        "Writes one target's synthetic fine-tuning examples from sycostream.training.synthetic as JSONL,",
        "optionally mixed with other data (the paper mixed 5 parts generated data with 1 part instruction data)."})
final class ExportTrainingCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--target", required = true, description = "The target whose training set to export.")
    String target;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The JSONL file to write (replaced atomically).")
    Path out;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "openai-chat or prompt-completion.")
    String format;

    @Option(names = "--mix-with", paramLabel = "FILE", description = "JSONL file, already in --format, to mix in.")
    Path mixWith;

    @Option(names = "--ratio", paramLabel = "G:M", description = "Generated to mixed lines with --mix-with (default " + MixSpec.PAPER_RATIO + ").")
    String ratio;

    @Option(names = "--limit", paramLabel = "N", description = "Export at most N generated examples (before mixing), in item_id order.")
    Integer limit;

    @Override
    public Integer call() {
        // Check the arguments before connecting to anything.
        ExportFormat exportFormat = ExportFormat.fromName(format);
        if (ratio != null && mixWith == null) {
            throw new IllegalArgumentException("--ratio needs --mix-with FILE");
        }
        MixSpec mix = mixWith == null ? null : MixSpec.parse(mixWith, ratio);
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        var config = connection.connect();
        List<TrainingExample> examples = new TrainingSetReader(config.clientConfig(), new Topics(config.serdeConfig()))
                .read(target, Duration.ofSeconds(30));
        if (examples.isEmpty()) {
            System.err.println("error: target '" + target + "' has no training examples in " + Topics.TRAINING_SYNTHETIC
                    + "; nothing written to " + out);
            return 1;
        }
        TrainingExporter.Result result = new TrainingExporter().export(examples, exportFormat, out, mix, limit, new ProgressBar());
        System.out.println("wrote " + result.generated() + " examples (+" + result.mixed() + " mixed) to " + result.file());
        return 0;
    }
}
