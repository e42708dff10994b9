package dev.sycostream.cli;

import dev.sycostream.avro.Comparison;
import dev.sycostream.compare.CompareFormatter;
import dev.sycostream.history.Comparer;
import dev.sycostream.compare.ItemOverlap;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "compare", description = {
        "Compares two targets (checkpoints) on every task and sycophancy metric: both rates with Wilson 95%% intervals,",
        "the difference, an exact McNemar test on the items both answered, and a verdict (lower is better).",
        "Reads sycostream.eval.scored; publishes the comparisons to sycostream.metrics.comparisons."})
final class CompareCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--base", required = true, description = "Target id of the reference checkpoint.")
    String base;

    @Option(names = "--candidate", required = true, description = "Target id of the checkpoint judged against it.")
    String candidate;

    @Option(names = "--alpha", defaultValue = "0.05", description = "Significance level of the verdict (default ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--json", description = "JSON array on stdout, one object per task and metric.")
    boolean json;

    @Option(names = "--no-publish", description = "Do not write the comparisons to sycostream.metrics.comparisons.")
    boolean noPublish;

    @Option(names = "--timeout", defaultValue = "PT2M", description = "How long reading the scored answers may take (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        var config = connection.connect();
        Topics topics = new Topics(config.serdeConfig());
        Comparer comparer = new Comparer(config.clientConfig(), topics);
        Comparer.Result result = comparer.compareWithOverlap(base, candidate, alpha, timeout);
        List<Comparison> comparisons = result.comparisons();
        if (!noPublish) {
            new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
            comparer.publish(comparisons, timeout);
        }
        System.out.print(json ? CompareFormatter.json(comparisons) + "\n" : CompareFormatter.table(comparisons));
        // With --json, stdout stays the array of rows; the overlap goes to stderr.
        (json ? System.err : System.out).print(ItemOverlap.describe(base, candidate, result.overlap()));
        if (comparisons.isEmpty()) {
            System.err.println("no task and metric was answered by both " + base + " and " + candidate);
        }
        return 0;
    }
}
