package dev.sycostream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ProbeBudget;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.json.Json;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.web.WebOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sycostream bench history}: does the cost of the dashboard's APIs and of a worker's start grow with history?
 * On one in-process broker, with the pipeline and its dashboard in this JVM, one history of two checkpoints of the
 * same model is grown in steps ({@link HistoryWriter}); after each step, once the pipeline has digested it (its
 * consumer group's lag is 0), it measures {@code /api/compare}, {@code /api/alerts} and {@code /api/probing} over
 * HTTP, and a model worker started as its own JVM ({@link WorkerProcess}) with every reply so far in {@code
 * sycostream.model.replies}.
 */
public final class HistoryBench {
    static final String BASE = "bench-history@ck1";
    static final String CANDIDATE = "bench-history@ck2";
    static final String MODEL = "bench-history";
    /** The targets are probed (so their answers feed the drift stage, as a probed target's do); 120 an hour. */
    static final ProbeBudget PROBE_BUDGET = ProbeBudget.newBuilder().setRequests(120).setPeriodMs(3_600_000L).build();
    static final List<String> PATHS = List.of("/api/compare?base=" + BASE + "&candidate=" + CANDIDATE, "/api/alerts",
            "/api/probing");
    private static final List<String> NAMES = List.of("compare", "alerts", "probing");

    /**
     * @param sizes      evaluation answers of the history after each step, increasing (4 per item: 2 targets x 2 variants)
     * @param calls      measured calls per API path and step
     * @param warmup     unmeasured calls before them
     * @param callBudget stop measuring a path after this long (with at least one call)
     * @param timeout    give up waiting for the pipeline to digest one step after this long
     */
    public record Options(List<Long> sizes, int calls, int warmup, Duration callBudget, int partitions, long seed,
                          Duration timeout, boolean json) {
        public Options {
            sizes = List.copyOf(sizes);
            for (int i = 0; i < sizes.size(); i++) {
                if (sizes.get(i) < 4 || (i > 0 && sizes.get(i) <= sizes.get(i - 1))) {
                    throw new IllegalArgumentException("--sizes must be increasing, each at least 4, got " + sizes);
                }
            }
            if (calls < 1 || warmup < 0) {
                throw new IllegalArgumentException("--calls must be at least 1 and --warmup at least 0");
            }
        }
    }

    private HistoryBench() {
    }

    public static int run(Options o, PrintStream out, PrintStream err) throws InterruptedException {
        Path work;
        try {
            work = Files.createTempDirectory("sycostream-bench-history-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        String error = null;
        try (EmbeddedStack stack = new EmbeddedStack(work.resolve("kafka")).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                    work.resolve("state"), o.partitions());
            Topics topics = new Topics(config.serdeConfig());
            List<HistoryWriter.Target> targets = List.of(
                    new HistoryWriter.Target(BASE, Map.of("sycophancy", "0.75", "knowledge", "0.9", "seed", "1")),
                    new HistoryWriter.Target(CANDIDATE, Map.of("sycophancy", "0.1", "knowledge", "0.9", "seed", "2")));
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 0, WebOptions.loopback(0));
                 HistoryWriter writer = new HistoryWriter(config.clientConfig(), topics, targets, pacing(o));
                 GroupLag lag = new GroupLag(config.clientConfig())) {
                for (HistoryWriter.Target t : targets) {
                    EvalTarget target = TargetRegistrar.target(t.id(), MODEL, t.id().substring(t.id().indexOf('@') + 1),
                            "simulated", t.params());
                    target.setProbe(PROBE_BUDGET);
                    run.register(target);
                    Thread.sleep(2); // registration order decides the default pair: ck1 is the base
                }
                ApiLatency api = new ApiLatency(run.dashboard().orElseThrow().url());
                Step step = new Step(config, topics, run, writer, lag, api, work);
                for (long size : o.sizes()) {
                    Map<String, Object> row = step.grow(size, o, err);
                    rows.add(row);
                    err.println(Bench.line(row).replaceFirst("BENCH", "BENCH history")); // a step's row as soon as it is done
                }
            }
        } catch (RuntimeException e) {
            error = String.valueOf(e.getMessage());
            e.printStackTrace(err);
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(work);
        }
        Map<String, Object> growth = growth(rows);
        if (o.json()) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("rows", rows);
            all.put("growth", growth);
            all.put("error", error);
            try {
                out.println(Json.PRETTY.writeValueAsString(all));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            out.print(table(rows, growth));
        }
        out.flush();
        return error == null ? 0 : 1;
    }

    /** The bench's state across steps: how much of the history is written so far. */
    private static final class Step {
        private final SycostreamConfig config;
        private final Topics topics;
        private final EvaluationRun run;
        private final HistoryWriter writer;
        private final GroupLag lag;
        private final ApiLatency api;
        private final Path work;
        private int items;
        private long answers;
        private long probeAnswers;
        private long probeRounds;

        Step(SycostreamConfig config, Topics topics, EvaluationRun run, HistoryWriter writer, GroupLag lag,
             ApiLatency api, Path work) {
            this.config = config;
            this.topics = topics;
            this.run = run;
            this.writer = writer;
            this.lag = lag;
            this.api = api;
            this.work = work;
        }

        Map<String, Object> grow(long size, Options o, PrintStream err) throws InterruptedException {
            int to = (int) (size / 4);
            err.printf("bench history: writing items %d..%d (%d answers in all)%n", items, to, to * 4L);
            long t0 = System.nanoTime();
            HistoryWriter.Written w = writer.write(items, to, o.seed());
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            items = to;
            answers += w.answers();
            probeAnswers += w.probeAnswers();
            probeRounds += w.probeRounds();
            long t1 = System.nanoTime();
            if (!lag.awaitCaughtUp(config.applicationId(), List.of(Topics.EVAL_SCORED, Topics.MODEL_REPLIES),
                    Duration.ofSeconds(1), o.timeout(), () -> run.app().failure() != null)) {
                throw new IllegalStateException("the pipeline had not digested " + answers + " answers after " + o.timeout());
            }
            double digestSeconds = (System.nanoTime() - t1) / 1e9;
            err.printf("bench history: %d answers written in %.1f s, digested %.1f s later%n", answers, writeSeconds, digestSeconds);

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("answers", answers);
            r.put("items", (long) items);
            r.put("replies", answers);
            r.put("probe_answers", probeAnswers);
            r.put("probe_rounds", probeRounds);
            r.put("write_s", writeSeconds);
            r.put("digest_s", digestSeconds);
            r.put("answers_counted", counted(api.get("/api/progress")));
            r.put("paired_n_max", pairedN(api.get(PATHS.get(0))));
            r.put("drift_records", lag.endOffsets(Topics.DRIFT));
            r.put("probing_rounds_shown", read(api.get(PATHS.get(2))).path("rounds").size());
            r.put("alerts_records", lag.endOffsets(Topics.ALERTS));
            for (int i = 0; i < PATHS.size(); i++) {
                ApiLatency.Result l = api.measure(PATHS.get(i), o.warmup(), o.calls(), o.callBudget());
                String name = NAMES.get(i);
                r.put(name + "_calls", l.calls());
                r.put(name + "_p50_ms", l.p50Ms());
                r.put(name + "_p99_ms", l.p99Ms());
                r.put(name + "_max_ms", l.maxMs());
                r.put(name + "_bytes", l.bytes());
                err.printf("bench history: %s p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d calls%n", PATHS.get(i),
                        l.p50Ms(), l.p99Ms(), l.maxMs(), l.calls());
            }
            System.gc();
            r.put("pipeline_jvm_heap_after_gc_mib",
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0));
            WorkerProcess.Result worker = WorkerProcess.measure(config, topics, Map.of("sycophancy", "0.5",
                    "knowledge", "0.9"), Long.toString(answers), work.resolve("worker-" + answers + ".log"), o.timeout());
            r.put("worker_ready_s", worker.readySeconds());
            r.put("worker_heap_after_gc_mib", worker.heapAfterGcMib());
            err.printf("bench history: worker answered %.2f s after launch, heap after full GC %.1f MiB%n",
                    worker.readySeconds(), worker.heapAfterGcMib());
            return r;
        }

        /** The answers the dashboard counts for the two targets ({@code /api/progress}). */
        private static long counted(String progress) {
            long n = 0;
            for (JsonNode p : read(progress).path("progress")) {
                String t = p.path("target").asText();
                if (BASE.equals(t) || CANDIDATE.equals(t)) {
                    n += p.path("answered").asLong();
                }
            }
            return n;
        }

        /** The most items paired in any of the pair's comparisons. */
        private static long pairedN(String compare) {
            long n = 0;
            for (JsonNode c : read(compare).path("comparisons")) {
                n = Math.max(n, c.path("paired_n").asLong());
            }
            return n;
        }

        private static JsonNode read(String json) {
            try {
                return Json.MAPPER.readTree(json);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + json, e);
            }
        }
    }

    /** Probe rounds one minute apart per target (the budget: 120 requests an hour, 2 per round), the last now. */
    static HistoryWriter.Pacing pacing(Options o) {
        long items = o.sizes().get(o.sizes().size() - 1) / 4;
        long rounds = (items + HistoryWriter.PROBE_EVERY - 1) / HistoryWriter.PROBE_EVERY;
        long spacing = PROBE_BUDGET.getPeriodMs() / (PROBE_BUDGET.getRequests() / 2);
        return new HistoryWriter.Pacing(System.currentTimeMillis(), rounds, spacing);
    }

    /** Last step over first, for the p99s and the worker: the "at most 2x from 10k to 1M". */
    static Map<String, Object> growth(List<Map<String, Object>> rows) {
        Map<String, Object> g = new LinkedHashMap<>();
        if (rows.size() < 2) {
            return g;
        }
        Map<String, Object> first = rows.get(0);
        Map<String, Object> last = rows.get(rows.size() - 1);
        g.put("from_answers", first.get("answers"));
        g.put("to_answers", last.get("answers"));
        for (String key : List.of("compare_p99_ms", "alerts_p99_ms", "probing_p99_ms", "worker_ready_s",
                "worker_heap_after_gc_mib")) {
            g.put(key, ((Number) last.get(key)).doubleValue() / ((Number) first.get(key)).doubleValue());
        }
        return g;
    }

    static String table(List<Map<String, Object>> rows, Map<String, Object> growth) {
        StringBuilder sb = new StringBuilder();
        sb.append("| answers | counted | paired | drift / alert records | rounds in the last 24 h | digest s "
                + "| compare p50 / p99 / max ms | alerts p50 / p99 / max ms | probing p50 / p99 / max ms | worker ready s "
                + "| worker heap MiB |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %d | %d / %d | %d | %.1f | %s | %s | %s | %.2f | %.1f |%n",
                    r.get("answers"), r.get("answers_counted"), r.get("paired_n_max"), r.get("drift_records"),
                    r.get("alerts_records"), r.get("probing_rounds_shown"), (Double) r.get("digest_s"), latency(r, "compare"), latency(r, "alerts"),
                    latency(r, "probing"), (Double) r.get("worker_ready_s"), (Double) r.get("worker_heap_after_gc_mib")));
        }
        if (!growth.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "growth %s -> %s answers: compare p99 x%.2f, alerts p99 x%.2f, "
                            + "probing p99 x%.2f, worker ready x%.2f, worker heap x%.2f%n",
                    growth.get("from_answers"), growth.get("to_answers"), growth.get("compare_p99_ms"),
                    growth.get("alerts_p99_ms"), growth.get("probing_p99_ms"), growth.get("worker_ready_s"),
                    growth.get("worker_heap_after_gc_mib")));
        }
        return sb.toString();
    }

    private static String latency(Map<String, Object> r, String name) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", (Double) r.get(name + "_p50_ms"),
                (Double) r.get(name + "_p99_ms"), (Double) r.get(name + "_max_ms"));
    }
}
