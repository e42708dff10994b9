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
        "Asks the running pipeline (--dashboard-url): it answers from the comparison stage's state and keeps the pair",
        "up to date in sycostream.metrics.comparisons from then on. --recount recounts from sycostream.eval.scored",
        "instead (the offline check: its cost grows with the topic)."})
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

    @Option(names = "--dashboard-url", defaultValue = "${env:SYCOSTREAM_DASHBOARD_URL:-http://127.0.0.1:8080}",
            description = "The pipeline's HTTP API (its --http-host/--http-port; default ${DEFAULT-VALUE}, or $SYCOSTREAM_DASHBOARD_URL).")
    String dashboardUrl;

    @Option(names = "--http-token", defaultValue = "${env:SYCOSTREAM_HTTP_TOKEN}", paramLabel = "TOKEN",
            description = "The pipeline's --http-token, if it has one (default $SYCOSTREAM_HTTP_TOKEN).")
    String httpToken;

    @Option(names = "--recount", description = "Recount from sycostream.eval.scored with a fresh consumer, without the pipeline "
            + "(the offline check of the streamed comparison; reads the whole topic) and publish the result.")
    boolean recount;

    @Option(names = "--no-publish", description = "With --recount: do not write the comparisons to sycostream.metrics.comparisons.")
    boolean noPublish;

    @Option(names = "--timeout", defaultValue = "PT2M", description = "How long the answer may take (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        List<Comparison> comparisons;
        List<ItemOverlap.TaskOverlap> overlap;
        if (recount) {
            var config = connection.connect();
            Topics topics = new Topics(config.serdeConfig());
            Comparer comparer = new Comparer(config.clientConfig(), topics);
            Comparer.Result result = comparer.compareWithOverlap(base, candidate, alpha, timeout);
            comparisons = result.comparisons();
            overlap = result.overlap();
            if (!noPublish) {
                new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
                comparer.publish(comparisons, timeout);
            }
        } else {
            comparisons = new PipelineComparisonClient(dashboardUrl, httpToken, timeout).compare(base, candidate, alpha);
            overlap = ItemOverlap.of(comparisons);
        }
        System.out.print(json ? CompareFormatter.json(comparisons) + "\n" : CompareFormatter.table(comparisons));
        // With --json, stdout stays the array of rows; the overlap goes to stderr.
        (json ? System.err : System.out).print(ItemOverlap.describe(base, candidate, overlap));
        if (comparisons.isEmpty()) {
            System.err.println("no task and metric was answered by both " + base + " and " + candidate);
        }
        return 0;
    }
}
