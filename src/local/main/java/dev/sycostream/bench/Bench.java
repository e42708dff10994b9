package dev.sycostream.bench;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.json.Json;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.stages.metrics.MetricsStage;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code sycostream bench}: the pipeline's throughput against the broker's own limit, measured in the same
 * process on the same broker. For each processing guarantee and each size it starts a fresh in-process broker,
 * runs the whole pipeline (prompts, simulated worker answering instantly, scoring, metrics) until every cumulative
 * metric is final, then measures the raw producer and consumer rates (warm, after the pipeline has stopped). Everything runs in this one JVM (broker,
 * registry, pipeline, worker, bench clients), so CPU seconds and heap cover all of them.
 */
public final class Bench {
    public static final List<String> GUARANTEES = List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);
    static final String TARGET = "bench";
    static final Map<String, String> SIM = Map.of("sycophancy", "0.75", "knowledge", "0.9", "seed", "3");

    /**
     * @param answers      answer counts to run (each in its own broker)
     * @param guarantees   processing guarantees to run
     * @param rawRecords   records per raw producer measurement
     * @param partitions   partitions of the pipeline's topics
     * @param workers      model workers
     * @param seed         first seed of the addition sets
     * @param timeout      give up a pipeline run after this long
     * @param rate         answers per second offered (items ingested in 100 ms ticks), or 0 for everything at once
     * @param settings     extra client and Kafka Streams settings for the pipeline, as a {@code --kafka-config}
     *                     file would give them (e.g. num.stream.threads, commit.interval.ms)
     */
    public record Options(List<Long> answers, List<String> guarantees, long rawRecords, int partitions, int workers,
                          long seed, Duration timeout, boolean json, double rate, Map<String, String> settings) {
        public Options {
            settings = Map.copyOf(settings);
        }
    }

    private Bench() {
    }

    /** Runs every (guarantee, size); prints one BENCH line each (or a JSON array with --json). Returns the exit code. */
    public static int run(Options options, PrintStream out, PrintStream err) throws InterruptedException {
        List<Map<String, Object>> results = new ArrayList<>();
        for (long answers : options.answers()) {
            for (String guarantee : options.guarantees()) {
                Map<String, Object> r = runOne(options, guarantee, answers, err);
                results.add(r);
                String line = line(r);
                err.println(line);
                if (!options.json()) {
                    out.println(line);
                    out.flush();
                }
                if (r.get("error") != null) {
                    break;
                }
            }
        }
        if (!options.json()) {
            out.print(summary(results));
        }
        if (options.json()) {
            try {
                out.println(Json.PRETTY.writeValueAsString(results));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.flush();
        return results.stream().anyMatch(r -> r.get("error") != null) ? 1 : 0;
    }

    /** A table of the runs: throughput, its ratio to the raw producer and the CPU per answer beside it. */
    static String summary(List<Map<String, Object>> results) {
        StringBuilder sb = new StringBuilder("| guarantee | answers | e2e answers/s | ratio | CPU us/answer "
                + "| raw CPU us/record (p6, after the pipeline) | cpu_ratio |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : results) {
            sb.append("| ").append(r.get("guarantee")).append(" | ").append(r.get("answers"));
            for (String k : List.of("e2e_answers_per_s", "ratio", "cpu_us_per_answer", "raw_cpu_us_per_record_p6", "cpu_ratio")) {
                sb.append(" | ").append(r.get(k) == null ? "-" : format(r.get(k)));
            }
            sb.append(" |\n");
        }
        return sb.toString();
    }

    /** {@code BENCH key=value ...} with every field of a result. */
    public static String line(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("BENCH");
        r.forEach((k, v) -> sb.append(' ').append(k).append('=').append(format(v)));
        return sb.toString();
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, d >= 100 ? "%.0f" : "%.3f", d);
        }
        return String.valueOf(v).replace(' ', '_');
    }

    private static Map<String, Object> runOne(Options options, String guarantee, long answers, PrintStream err)
            throws InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("guarantee", guarantee);
        Path work;
        try {
            work = Files.createTempDirectory("sycostream-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (EmbeddedStack stack = new EmbeddedStack(work.resolve("kafka")).start()) {
            SycostreamConfig config = new SycostreamConfig(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                    options.settings(),
                    SycostreamConfig.DEFAULT_APPLICATION_ID, options.partitions(), (short) 1,
                    work.resolve("state"), guarantee);
            Topics topics = new Topics(config.serdeConfig());
            int items = BenchItems.itemsFor(answers, 1);
            List<DatasetItem> dataset = BenchItems.generate(items, options.seed(), System.currentTimeMillis());
            r.put("answers", (long) items * 2);
            r.put("items", items);
            r.put("partitions", options.partitions());
            r.put("workers", options.workers());
            // What the pipeline actually runs with (the project's defaults unless --set overrides them).
            Properties streams = config.streamsConfig();
            r.put("stream_threads", streams.getOrDefault(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1));
            r.put("commit_interval_ms", streams.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
            r.put("poll_ms", streams.get(StreamsConfig.POLL_MS_CONFIG));
            r.put("offered_answers_per_s", options.rate() > 0 ? String.valueOf(options.rate()) : "all_at_once");

            int[] size = requestSize(topics, dataset);
            r.put("request_key_bytes", size[0]);
            r.put("request_value_bytes", size[1]);
            // The raw limit is measured after the pipeline run, on the same broker and in the same JVM, warm: the JIT
            // has compiled the broker's and the clients' paths by then. Measured first, in the first run of a JVM,
            // it cost 14 us of CPU per record, against 4.25 us one run later. Placeholders keep the fields' order.
            r.put("raw_measured", "after_pipeline");
            for (String k : List.of("raw_produce_p1_per_s", "raw_produce_p6_per_s", "raw_consume_p6_per_s",
                    "raw_cpu_us_per_record_p6")) {
                r.put(k, null);
            }
            double perSecond;
            double cpuPerAnswerUs;
            double writesPerSecond;
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            // --- the pipeline --------------------------------------------------------------------------------
            err.printf("bench %s: pipeline, %d items x 2 variants = %d answers, %d partitions%n", guarantee, items,
                    items * 2L, options.partitions());
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, options.workers());
                 ResultsTracker tracker = new ResultsTracker(config.clientConfig(), topics, TARGET,
                         config.applicationId() + "-" + MetricsStage.REPARTITION + "-repartition")) {
                run.register(TargetRegistrar.target(TARGET, "simulated", "sim", "simulated", SIM));
                System.gc();
                List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).toList();
                heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
                long cpu0 = os.getProcessCpuTime();
                long ingestStart = System.currentTimeMillis();
                long[] nextReport = {System.nanoTime()};
                Thread ingest = new Thread(() -> ingest(config, topics, dataset, options.rate()), "sycostream-bench-ingest");
                ingest.start();
                ExpectedCounts expected = ExpectedCounts.of(dataset);
                long end = tracker.awaitComplete(expected, List.of(TARGET), options.timeout(), () -> {
                    if (run.app().failure() != null) {
                        throw new IllegalStateException("pipeline failed: " + run.app().failure().getMessage());
                    }
                    if (System.nanoTime() >= nextReport[0]) {
                        err.printf("bench %s: %d / %d answers counted%n", guarantee, tracker.answersSeen(List.of(TARGET)),
                                items * 2L);
                        nextReport[0] = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    }
                });
                long cpu1 = os.getProcessCpuTime();
                long peakHeap = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                ingest.join();
                if (end < 0) {
                    r.put("error", "timeout_after_" + options.timeout());
                    return r;
                }
                long firstRequest = firstRequestCreatedAt(config, topics);
                double e2eSeconds = (end - firstRequest) / 1000.0;
                long answerCount = items * 2L;
                perSecond = answerCount / e2eSeconds;
                cpuPerAnswerUs = (cpu1 - cpu0) / 1e3 / answerCount;
                r.put("e2e_s", e2eSeconds);
                r.put("e2e_answers_per_s", perSecond);
                r.put("ratio", null);
                r.put("cpu_us_per_answer", cpuPerAnswerUs); // process CPU over the run / answers, beside the ratio
                r.put("ratio_p1", null);
                r.put("ratio_p6", null);
                r.put("ingest_to_final_s", (end - ingestStart) / 1000.0);
                long written = offsetsWritten(config);
                r.put("log_offsets_per_answer", (double) written / answerCount);
                writesPerSecond = perSecond * written / answerCount;
                r.put("offsets_ratio", null);
                long[] replied = repliedAt(config, topics);
                List<ResultsTracker.CountAt> counts = tracker.counts().get(TARGET);
                // where the time went, from the first request: the worker's first and last reply, the first count
                r.put("first_reply_s", replied.length == 0 ? -1 : (replied[0] - firstRequest) / 1000.0);
                r.put("last_reply_s", replied.length == 0 ? -1 : (replied[replied.length - 1] - firstRequest) / 1000.0);
                r.put("first_count_s", counts == null || counts.isEmpty() ? -1 : (counts.get(0).visibleAtMs() - firstRequest) / 1000.0);
                long[] latency = Latencies.latencies(replied, counts == null ? List.of() : counts);
                // The same latency for the replies of the second half of the run only (by reply time): the steady
                // state, without the pipeline's cold start (JIT, the first transactions), which the whole-run p99
                // mostly measures at --rate 400 (the first seconds' replies wait several seconds).
                long half = replied.length == 0 ? 0 : firstRequest + (replied[replied.length - 1] - firstRequest) / 2;
                long[] steady = Latencies.latenciesAfter(replied, counts == null ? List.of() : counts, half);
                r.put("latency_2nd_half_n", steady.length);
                r.put("latency_2nd_half_p50_ms", Latencies.percentile(steady, 0.50));
                r.put("latency_2nd_half_p99_ms", Latencies.percentile(steady, 0.99));
                r.put("latency_2nd_half_max_ms", steady.length == 0 ? -1 : steady[steady.length - 1]);
                streamsMetrics(run.app().streams(), r);
                dumpLatencies(replied, counts == null ? List.of() : counts, tracker, firstRequest);
                r.put("latency_n", latency.length);
                r.put("latency_p50_ms", Latencies.percentile(latency, 0.50));
                r.put("latency_p99_ms", Latencies.percentile(latency, 0.99));
                r.put("latency_max_ms", latency.length == 0 ? -1 : latency[latency.length - 1]);
                // the same latency to the intermediate hops: scored answers visible in eval.scored, and pre-counted
                // batches visible in the metrics repartition topic (the results are the third hop)
                long[] toScored = Latencies.latencies(replied, tracker.scoredCounts());
                r.put("latency_scored_p50_ms", Latencies.percentile(toScored, 0.50));
                r.put("latency_scored_p99_ms", Latencies.percentile(toScored, 0.99));
                long[] toPreCounted = Latencies.latencies(replied, tracker.preCountedCounts());
                r.put("latency_precounted_p50_ms", Latencies.percentile(toPreCounted, 0.50));
                r.put("latency_precounted_p99_ms", Latencies.percentile(toPreCounted, 0.99));
                double cpuSeconds = (cpu1 - cpu0) / 1e9;
                r.put("cpu_s", cpuSeconds);
                r.put("cpu_ratio", null);
                r.put("peak_heap_mib", peakHeap / (1024.0 * 1024.0));
                r.put("max_heap_used_sampled_mib", tracker.maxHeapUsed() / (1024.0 * 1024.0));
                r.put("heap_max_mib", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
                r.put("cores", Runtime.getRuntime().availableProcessors());
            }
            err.printf("bench %s: raw limit with %d records of %d+%d bytes%n", guarantee, options.rawRecords(), size[0], size[1]);
            RawLimit.Measured raw = RawLimit.measure(config.clientConfig(), size[1], options.seed(), options.rawRecords());
            r.put("raw_produce_p1_per_s", raw.p1().perSecond());
            r.put("raw_produce_p6_per_s", raw.p6().perSecond());
            r.put("raw_consume_p6_per_s", raw.consumed().perSecond());
            r.put("raw_cpu_us_per_record_p6", raw.cpuPerRecordUs());
            r.put("ratio", perSecond / raw.limit());
            r.put("ratio_p1", perSecond / raw.p1().perSecond());
            r.put("ratio_p6", perSecond / raw.p6().perSecond());
            r.put("offsets_ratio", writesPerSecond / raw.limit());
            // the same ratio in CPU (whole process, broker included): less sensitive to other load on the machine
            r.put("cpu_ratio", raw.cpuPerRecordUs() / cpuPerAnswerUs);
        } catch (RuntimeException e) {
            r.put("error", String.valueOf(e.getMessage()));
            e.printStackTrace(err);
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(work);
        }
        return r;
    }

    /** Ingests the items at once (rate 0), or paced: every 100 ms the items for rate/10 answers. */
    private static void ingest(SycostreamConfig config, Topics topics, List<DatasetItem> dataset, double rate) {
        try (DatasetIngestor ingestor = new DatasetIngestor(config.clientConfig(), topics)) {
            if (rate <= 0) {
                ingestor.ingest(new ReadResult(dataset, List.of()));
                return;
            }
            double itemsPerTick = rate / 2 / 10;
            long start = System.nanoTime();
            int sent = 0;
            for (int tick = 1; sent < dataset.size(); tick++) {
                int upTo = (int) Math.min(dataset.size(), Math.round(itemsPerTick * tick));
                if (upTo > sent) {
                    ingestor.ingest(new ReadResult(dataset.subList(sent, upTo), List.of()));
                    sent = upTo;
                }
                long wait = start + tick * 100_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Mean key and value size of the serialized requests of the first items (as the prompt stage builds them). */
    static int[] requestSize(Topics topics, List<DatasetItem> dataset) {
        Serializer<ModelRequest> serializer = topics.modelRequests().valueSerde().serializer();
        long keyBytes = 0;
        long valueBytes = 0;
        int n = 0;
        for (DatasetItem item : dataset.subList(0, Math.min(200, dataset.size()))) {
            for (PromptVariant v : PromptRenderer.render(item)) {
                String id = RequestIds.of(TARGET, item.getItemId(), v.variant());
                ModelRequest request = ModelRequest.newBuilder()
                        .setRequestId(id).setTargetId(TARGET).setItemId(item.getItemId()).setTask(item.getTask())
                        .setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                        .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer())
                        .setBackend("simulated").setBackendParams(new HashMap<>(SIM))
                        .setCreatedAtMs(System.currentTimeMillis()).build();
                keyBytes += id.getBytes(StandardCharsets.UTF_8).length;
                valueBytes += serializer.serialize(Topics.MODEL_REQUESTS, request).length;
                n++;
            }
        }
        return new int[]{(int) (keyBytes / n), (int) (valueBytes / n)};
    }

    /** The created_at_ms (wall clock of the prompt stage) of the first request, the earliest over partitions. */
    private static long firstRequestCreatedAt(SycostreamConfig config, Topics topics) {
        Deserializer<ModelRequest> d = topics.modelRequests().valueSerde().deserializer();
        long[] min = {Long.MAX_VALUE};
        TopicScan.firstOfEachPartition(config.clientConfig(), Topics.MODEL_REQUESTS,
                r -> min[0] = Math.min(min[0], d.deserialize(r.topic(), r.value()).getCreatedAtMs()));
        return min[0];
    }

    /**
     * Offsets taken in every topic but the bench's raw ones and internal ones: records the pipeline wrote (inputs,
     * outputs, changelogs, repartition) plus, under exactly-once, the transaction markers.
     */
    static long offsetsWritten(SycostreamConfig config) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config.clientConfig())) {
            var names = admin.listTopics().names().get().stream()
                    .filter(t -> !t.startsWith("bench.raw.") && !t.startsWith("_")).toList();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
            admin.describeTopics(names).allTopicNames().get().forEach((name, d) -> d.partitions().forEach(p ->
                    request.put(new org.apache.kafka.common.TopicPartition(name, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            return admin.listOffsets(request).all().get().values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot read end offsets: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** ModelReply.replied_at_ms of every committed reply of the bench target, sorted. */
    static long[] repliedAt(SycostreamConfig config, Topics topics) {
        Deserializer<ModelReply> d = topics.modelReplies().valueSerde().deserializer();
        List<Long> replied = new ArrayList<>();
        TopicScan.all(config.clientConfig(), Topics.MODEL_REPLIES, r -> {
            ModelReply reply = d.deserialize(r.topic(), r.value());
            if (TARGET.equals(reply.getTargetId())) {
                replied.add(reply.getRepliedAtMs());
            }
        });
        return replied.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * With {@code -Dsycostream.bench.dump=FILE}: one line per reply, "seconds after the first request, latency to
     * eval.scored, to the repartition topic, to the results" (ms; -1 if never seen), to see when in a run the tail
     * latencies happen.
     */
    private static void dumpLatencies(long[] replied, List<ResultsTracker.CountAt> counts, ResultsTracker tracker,
                                      long firstRequest) {
        String file = System.getProperty("sycostream.bench.dump");
        if (file == null) {
            return;
        }
        long[] a = Latencies.unsorted(replied, tracker.scoredCounts());
        long[] b = Latencies.unsorted(replied, tracker.preCountedCounts());
        long[] c = Latencies.unsorted(replied, counts);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < replied.length; k++) {
            sb.append(String.format(Locale.ROOT, "%.3f %d %d %d%n", (replied[k] - firstRequest) / 1000.0, a[k], b[k], c[k]));
        }
        try {
            Files.writeString(Path.of(file), sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The stream thread's own timings (Kafka Streams thread-level metrics, averaged over the run): how often and how
     * long it commits (under exactly-once each commit ends a transaction, and each hop of a reply waits for one).
     */
    private static void streamsMetrics(org.apache.kafka.streams.KafkaStreams streams, Map<String, Object> r) {
        if (streams == null) {
            return;
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (!"stream-thread-metrics".equals(name.group())) {
                return;
            }
            switch (name.name()) {
                case "commit-rate", "commit-latency-avg", "commit-latency-max", "poll-latency-avg",
                     "process-rate", "punctuate-rate" -> {
                    if (metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                        sums.merge(name.name(), n.doubleValue(), Double::sum);
                    }
                }
                default -> {
                }
            }
        });
        sums.forEach((k, v) -> r.put("streams_" + k.replace('-', '_'), v));
    }

}
