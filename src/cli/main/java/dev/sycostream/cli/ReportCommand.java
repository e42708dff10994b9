package dev.sycostream.cli;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.history.ReplaySpendHistory;
import dev.sycostream.report.ReplayCapFormatter;
import dev.sycostream.history.UsageHistory;
import dev.sycostream.report.UsageFormatter;
import dev.sycostream.report.ResultsFormatter;
import dev.sycostream.history.DatasetCatalog;
import dev.sycostream.history.ResultsView;
import dev.sycostream.identity.Provenance;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "report", description = "Prints the latest metrics from sycostream.metrics.results and the usage"
        + " (requests, tokens, cost) from sycostream.usage.results.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = {"One JSON object: \"metrics\", one object per target x task x metric, and",
            "\"usage\", one per target x task: requests, prompt_tokens, completion_tokens, cost_usd (null without prices);",
            "\"datasets\", per task the files (sha256) and generators behind its items; \"replay_caps\", per target with",
            "--max-cost-usd: cap_usd, spent_usd, sent, answered, left_unevaluated (per task in left_by_task), stopped."})
    boolean json;

    @Option(names = "--windows", description = "Include the tumbling-window results, not only the cumulative ones.")
    boolean windows;

    @Option(names = "--target", description = "Only this target.")
    String target;

    @Override
    public Integer call() {
        var config = connection.connect();
        Topics topics = new Topics(config.serdeConfig());
        try (ResultsView view = new ResultsView(config.clientConfig(), topics)) {
            view.catchUp(Duration.ofSeconds(30));
            List<MetricResult> results = (windows ? view.latest() : view.cumulative()).stream()
                    .filter(r -> target == null || target.equals(r.getTargetId())).toList();
            List<Provenance.TaskSource> datasets =
                    DatasetCatalog.read(config.clientConfig(), topics, Duration.ofSeconds(30)).provenance();
            List<UsageResult> usage;
            try {
                usage = UsageHistory.cumulative(config.clientConfig(), topics,
                        Duration.ofSeconds(30)).stream().filter(u -> target == null || target.equals(u.getTargetId())).toList();
            } catch (IllegalStateException e) {
                // a cluster whose pipeline predates the usage stage: the metrics are still worth reporting
                System.err.println("warning: no usage: " + e.getMessage());
                usage = List.of();
            }
            List<ReplaySpend> caps = ReplaySpendHistory.latest(config.clientConfig(), topics, Duration.ofSeconds(30))
                    .stream().filter(c -> target == null || target.equals(c.getTargetId())).toList();
            if (json) {
                System.out.println(ResultsFormatter.json(results, usage, datasets, caps));
            } else {
                System.out.println(ResultsFormatter.table(results));
                System.out.println(UsageFormatter.table(usage));
                System.out.print(ReplayCapFormatter.table(caps));
                System.out.print(ResultsFormatter.datasets(results, datasets));
            }
        }
        return 0;
    }
}
