package dev.sycostream.cli;

import dev.sycostream.report.ResultsFormatter;
import dev.sycostream.rescore.RescoreRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

@Command(name = "rescore", description = {
        "Recomputes every metric from the recorded requests and replies into fresh state, without calling any model:",
        "a separate Streams application (id sycostream-rescore-<epoch ms>) scores and counts them again and writes",
        "the results to sycostream.metrics.rescored (keys prefixed with that id); the live metrics are untouched.",
        "Prints the recomputed cumulative metrics once every recorded answer is counted."})
final class RescoreCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--from", defaultValue = "earliest", paramLabel = "earliest|TIMESTAMP",
            description = "Rescore records from the beginning (default) or stamped at or after an ISO-8601 instant "
                    + "(2026-11-27T03:00:00Z) or epoch milliseconds.")
    String from;

    @Option(names = "--json", description = "The recomputed metrics as JSON on stdout (progress on stderr).")
    boolean json;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Give up after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--keep-state", description = "Keep the run's internal topics and local state (deleted by default once done).")
    boolean keepState;

    @Override
    public Integer call() {
        Long fromMs = parseFrom(from);
        var config = connection.connect();
        RescoreRun run = RescoreRun.start(config, fromMs, Duration.ofMinutes(2));
        boolean done;
        try {
            System.err.println("rescore run " + run.runId() + ": " + run.expectedAnswers() + " recorded answers to rescore");
            if (run.expectedAnswers() == 0) {
                System.err.println("note: no request with a reply is recorded" + (fromMs == null ? "" : " at or after --from " + from)
                        + "; nothing to rescore");
            }
            done = run.awaitComplete(timeout, line -> System.err.println("progress: " + line));
            if (done) {
                var results = run.cumulative();
                System.out.println(json ? ResultsFormatter.json(results) : ResultsFormatter.table(results));
                System.err.println("results are in sycostream.metrics.rescored under keys '" + run.runId() + "|...'");
            }
        } finally {
            run.close();
        }
        if (!keepState) {
            run.deleteInternalState(Duration.ofSeconds(30));
        }
        if (!done) {
            System.err.println("error: rescore " + run.runId() + " did not finish within " + timeout);
            return 1;
        }
        return 0;
    }

    /** null for earliest; epoch millis otherwise. */
    static Long parseFrom(String from) {
        if ("earliest".equalsIgnoreCase(from)) {
            return null;
        }
        try {
            return Long.parseLong(from);
        } catch (NumberFormatException notMillis) {
            try {
                return Instant.parse(from).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid --from '" + from
                        + "': expected earliest, an ISO-8601 instant such as 2026-11-27T03:00:00Z, or epoch milliseconds");
            }
        }
    }
}
