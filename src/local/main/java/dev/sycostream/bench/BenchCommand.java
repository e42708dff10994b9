package dev.sycostream.bench;

import dev.sycostream.cli.LocalCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", description = {
        "Measures the pipeline against the broker's own limit, in one process on an in-process broker: the whole",
        "pipeline with a simulated model answering instantly, then (warm, after it) raw producer (acks=all, idempotent;",
        "1 and 6 partitions) and consumer rates for records the size of a model request. Prints one 'BENCH key=value",
        "...' line per guarantee and size and a table of them (stdout), progress on stderr; --json prints a JSON array.",
        "'bench worker' measures the model worker against a fixed-latency HTTP model server instead;",
        "'bench history' whether the dashboard's APIs and a worker's start cost more as history grows."},
        subcommands = {BenchCommand.Worker.class, BenchCommand.History.class})
public final class BenchCommand implements Callable<Integer>, LocalCommand {
    @Override
    public int order() {
        return 1;
    }

    @Option(names = "--answers", split = ",", defaultValue = "200000", paramLabel = "N[,N...]",
            description = "Answers per run (1 target x items x 2 variants); several sizes run one after another, each on a fresh broker (default ${DEFAULT-VALUE}).")
    List<Long> answers = new ArrayList<>();

    @Option(names = "--guarantee", defaultValue = "both",
            description = "exactly_once_v2 | at_least_once | both (default ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--raw-records", defaultValue = "200000", description = "Records per raw producer measurement (default ${DEFAULT-VALUE}).")
    long rawRecords;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the pipeline's topics (default ${DEFAULT-VALUE}, as the demo).")
    int partitions;

    @Option(names = "--workers", defaultValue = "1", description = "Model workers (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A client or Kafka Streams setting for the pipeline, as in a --kafka-config file (repeatable), e.g. --set num.stream.threads=2 --set commit.interval.ms=100.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "1", description = "First seed of the generated addition sets (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Give up a pipeline run after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "ANSWERS_PER_S",
            description = "Offer this many answers per second (items ingested every 100 ms) to measure latency below saturation; 0 (default) ingests everything at once to measure throughput.")
    double rate;

    @Option(names = "--json", description = "Print the results as a JSON array on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> guarantees = switch (guarantee) {
            case "both" -> Bench.GUARANTEES;
            case "exactly_once_v2", "at_least_once" -> List.of(guarantee);
            default -> throw new IllegalArgumentException("--guarantee must be exactly_once_v2, at_least_once or both, got " + guarantee);
        };
        if (answers.stream().anyMatch(a -> a < 2)) {
            throw new IllegalArgumentException("--answers must be at least 2");
        }
        return Bench.run(new Bench.Options(answers, guarantees, rawRecords, partitions, workers, seed, timeout, json, rate, settings),
                System.out, System.err);
    }

    @Command(name = "worker", description = {
            "One model worker (in-flight limit C) against an OpenAI-compatible server on loopback answering every request",
            "after a fixed latency L with unlimited capacity, on an in-process broker. Prints 'BENCH worker ... ratio=R' where",
            "R = steady-state throughput / (C / L); the target is R >= 0.9 for L = 50 ms, C = 64."})
    static final class Worker implements Callable<Integer> {
        @Option(names = "--latency", defaultValue = "PT0.05S", description = "Server latency L per request (default ${DEFAULT-VALUE}).")
        Duration latency;

        @Option(names = "--in-flight", defaultValue = "64", description = "The worker's in-flight limit C (default ${DEFAULT-VALUE}).")
        int inFlight;

        @Option(names = "--requests", defaultValue = "25600", description = "Requests measured (default ${DEFAULT-VALUE}, about 20 s at the ideal rate).")
        int requests;

        @Option(names = "--warmup", defaultValue = "25600", description = {
                "Requests answered first and not measured (default ${DEFAULT-VALUE}): the JIT compiles the broker, client",
                "and HTTP paths during the first tens of seconds, and a long-running worker does not pay that again."})
        int warmup;

        @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the requests topic (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--timeout", defaultValue = "PT10M", description = "Give up after this long (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            if (requests < 100) {
                throw new IllegalArgumentException("--requests must be at least 100 (throughput is measured between 10% and 90%)");
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be 0 or more");
            }
            // The JDK HTTP server (the schema registry) otherwise leaves Nagle's algorithm on: with delayed ACKs that
            // adds up to 40 ms to an answer written in two segments. Read once, at first use.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            var options = new dev.sycostream.bench.WorkerBench.Options(latency, inFlight, warmup, requests, partitions, timeout);
            var result = dev.sycostream.bench.WorkerBench.run(options, System.err);
            System.out.println(result.line(options));
            return 0;
        }
    }

    @Command(name = "history", description = {
            "Grows one history of two checkpoints of the same model (scored answers, their replies, probe rounds and",
            "their drift records and alerts) on an in-process broker in steps, and after each step, once the pipeline",
            "has digested it (consumer group lag 0), measures /api/compare, /api/alerts and /api/probing over HTTP and a",
            "model worker started as its own JVM: time until it answers a new request, heap after a full GC. Prints a",
            "table, one row per size (stdout), progress on stderr; --json prints a JSON object instead."})
    static final class History implements Callable<Integer> {
        @Option(names = "--sizes", split = ",", defaultValue = "10000,100000,1000000", paramLabel = "N[,N...]",
                description = "Evaluation answers in the history after each step, increasing; each step adds to the last (default ${DEFAULT-VALUE}).")
        List<Long> sizes = new ArrayList<>();

        @Option(names = "--calls", defaultValue = "200", description = "Measured calls per API path and step (default ${DEFAULT-VALUE}).")
        int calls;

        @Option(names = "--warmup", defaultValue = "20", description = "Unmeasured calls per API path and step first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--call-budget", defaultValue = "PT2M",
                description = "Stop measuring a path after this long, with fewer calls, at least one (default ${DEFAULT-VALUE}).")
        Duration callBudget;

        @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the pipeline's topics (default ${DEFAULT-VALUE}, as the demo).")
        int partitions;

        @Option(names = "--seed", defaultValue = "1", description = "First seed of the generated addition sets (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--timeout", defaultValue = "PT30M",
                description = "Give up when the pipeline has not digested a step, or a worker not answered, after this long (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print the results as a JSON object on stdout: rows (one per size) and growth (last over first).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return HistoryBench.run(new HistoryBench.Options(sizes, calls, warmup, callBudget, partitions, seed, timeout, json),
                    System.out, System.err);
        }
    }
}
