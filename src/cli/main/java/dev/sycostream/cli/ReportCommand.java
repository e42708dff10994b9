package dev.sycostream.cli;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.report.ResultsFormatter;
import dev.sycostream.history.DatasetCatalog;
import dev.sycostream.history.ResultsView;
import dev.sycostream.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "report", description = "Prints the latest metrics from sycostream.metrics.results.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "JSON array, one object per target x task x metric.")
    boolean json;

    @Option(names = "--windows", description = "Include the tumbling-window results, not only the cumulative ones.")
    boolean windows;

    @Option(names = "--target", description = "Only this target.")
    String target;

    @Override
    public Integer call() {
        var config = connection.connect();
        try (ResultsView view = new ResultsView(config.clientConfig(), new Topics(config.serdeConfig()))) {
            view.catchUp(Duration.ofSeconds(30));
            List<MetricResult> results = (windows ? view.latest() : view.cumulative()).stream()
                    .filter(r -> target == null || target.equals(r.getTargetId())).toList();
            System.out.println(json ? ResultsFormatter.json(results) : ResultsFormatter.table(results));
            if (!json) {
                Topics topics = new Topics(config.serdeConfig());
                System.out.print(ResultsFormatter.datasets(results,
                        DatasetCatalog.read(config.clientConfig(), topics, Duration.ofSeconds(30)).provenance()));
            }
        }
        return 0;
    }
}
