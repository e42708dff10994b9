package dev.sycostream.faults;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.datasets.AdditionDataset;
import dev.sycostream.datasets.PerezSample;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.registry.EmbeddedSchemaRegistry;
import dev.sycostream.history.ResultsView;
import dev.sycostream.serde.AvroSerdeConfig;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.ChildJvm;
import dev.sycostream.testing.OfflineRecount;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash anywhere, lose nothing, count nothing twice. The pipeline and the model worker run as separate JVMs (the
 * production command line, {@code sycostream pipeline} / {@code sycostream worker}) against the in-process broker
 * and registry. The items arrive in six slices; while each slice is being answered, at a random point (the
 * progress at which it strikes is drawn from a seed printed at the start), one fault hits:
 * <ol>
 *   <li>the pipeline is killed with SIGKILL and restarted;</li>
 *   <li>the worker is killed with SIGKILL and restarted with the same id;</li>
 *   <li>the broker is stopped and restarted on the same data dir, the pipeline and worker left running;</li>
 *   <li>the pipeline is killed, the schema registry goes away, the pipeline is restarted during the outage (it must
 *       wait, not dead-letter good records), then the registry comes back on the same port;</li>
 *   <li>the pipeline and the worker are killed together and restarted.</li>
 * </ol>
 * The final cumulative count and n of every metric must equal exactly the offline recount of the simulated model's
 * answers (what an uninterrupted run publishes, see EvaluationPipelineIT), no request may be "failed", and nothing
 * may be dead-lettered.
 */
class CrashRecoveryIT {
    private static final SimSpec SIM = SimSpec.parse("crashy:sycophancy=0.6,knowledge=0.8,unparseable=0.05,seed=23");
    private static final int ADDITION_ITEMS = 600;
    private static final int SLICES = 6;
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private int registryPort;
    private ChildJvm pipeline;
    private ChildJvm worker;
    private Path kafkaConfig;
    private final Random random = new Random(Long.getLong("sycostream.crashSeed", System.nanoTime()));

    @Test
    void killsAndOutagesAnywhereGiveExactlyTheCountsOfAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("sycostream.crashSeed", random.nextLong());
        random.setSeed(seed);
        System.err.println("CrashRecoveryIT: random seed " + seed + " (rerun with -Dsycostream.crashSeed=" + seed + ")");

        List<DatasetItem> items = new ArrayList<>(AdditionDataset.generate(5L, 1_750_000_000_000L).subList(0, ADDITION_ITEMS));
        items.addAll(PerezSample.load(1_750_000_000_000L).items());
        Collections.shuffle(items, new Random(5L));
        ExpectedCounts expected = ExpectedCounts.of(items);
        long total = expected.requestsPerTarget();
        Set<String> targets = Set.of(SIM.name());

        broker = new EmbeddedKafkaBroker(tmp.resolve("kafka"), Map.of()).start();
        registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start();
        registryPort = registry.port();
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        Topics topics = new Topics(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url()));
        new TopicProvisioner(client).ensure(topics.all(), 3, (short) 1);
        // A killed member's partitions move after its session times out: 6 s (the broker's minimum), not 45 s.
        kafkaConfig = tmp.resolve("client.properties");
        Files.writeString(kafkaConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");

        try (ResultsView results = new ResultsView(client, topics)) {
            try (TargetRegistrar registrar = new TargetRegistrar(client, topics)) {
                registrar.register(TargetRegistrar.target(SIM.name(), "sim", "ck", "simulated", SIM.params()));
            }
            pipeline = startPipeline();
            worker = startWorker();

            int sliceSize = (items.size() + SLICES - 1) / SLICES;
            List<DatasetItem> sent = new ArrayList<>();
            for (int slice = 0; slice < SLICES; slice++) {
                List<DatasetItem> part = items.subList(slice * sliceSize, Math.min(items.size(), (slice + 1) * sliceSize));
                try (DatasetIngestor ingestor = new DatasetIngestor(client, topics)) {
                    assertThat(ingestor.ingest(new ReadResult(part, List.of())).accepted()).isEqualTo(part.size());
                }
                long before = ExpectedCounts.of(sent).requestsPerTarget();
                sent.addAll(part);
                long after = ExpectedCounts.of(sent).requestsPerTarget();
                if (slice == SLICES - 1) {
                    break; // the last slice runs undisturbed to the end
                }
                // Strike somewhere in the middle of this slice's answers: some of them counted, others in flight.
                long strikeAt = before + (long) ((after - before) * (0.15 + 0.6 * random.nextDouble()));
                long seen = awaitAnswers(results, targets, strikeAt);
                assertThat(seen).as("fault %d strikes mid-run", slice).isLessThan(total);
                System.err.printf("CrashRecoveryIT: fault %d after %d / %d answers%n", slice + 1, seen, total);
                fault(slice);
            }

            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (!expected.complete(targets, results.latest()) && System.nanoTime() < deadline) {
                results.poll(Duration.ofMillis(200));
                pipeline.assertAlive();
                worker.assertAlive();
            }
            assertThat(expected.complete(targets, results.latest()))
                    .as("every request answered and counted; seen %d / %d", ExpectedCounts.answersSeen(results.latest(), targets), total)
                    .isTrue();
            results.catchUp(Duration.ofSeconds(30));

            Map<String, long[]> measured = new TreeMap<>();
            results.cumulative().stream().filter(r -> r.getTargetId().equals(SIM.name()))
                    .forEach(r -> measured.put(r.getTask() + "|" + r.getMetric(), new long[]{r.getCount(), r.getN()}));
            Map<String, long[]> offline = OfflineRecount.counts(SIM, items);
            offline.forEach((key, c) -> assertThat(measured.get(key)).as("count and n of " + key).containsExactly(c));
            for (String task : expected.asMap().keySet()) {
                assertThat(measured.get(task + "|" + MetricNames.FAILED)).as("failed requests of " + task)
                        .containsExactly(0, expected.n(task, MetricNames.FAILED));
            }
            assertThat(measured.keySet()).as("no metric beyond the expected ones").isEqualTo(expected.asMap().entrySet().stream()
                    .flatMap(t -> t.getValue().keySet().stream().map(m -> t.getKey() + "|" + m)).collect(Collectors.toSet()));
            assertThat(deadLetters(client)).as("records dead-lettered by the faults").isZero();
        } finally {
            for (AutoCloseable c : new AutoCloseable[]{worker, pipeline, registry, broker}) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    private void fault(int which) throws Exception {
        switch (which) {
            case 0 -> {
                pipeline.kill();
                pipeline = startPipeline();
            }
            case 1 -> {
                worker.kill();
                worker = startWorker();
            }
            case 2 -> {
                broker.stop();
                Thread.sleep(2_000 + random.nextInt(3_000));
                broker.start();
            }
            case 3 -> {
                pipeline.kill();
                registry.close();
                pipeline = startPipeline();
                // The restarted pipeline has no schema cached: it must feel the outage, and wait it out.
                assertThat(pipeline.awaitOutput("unreachable", Duration.ofMinutes(1)))
                        .as("the restarted pipeline meets the registry outage; log:\n%s", pipeline.logTail(30)).isTrue();
                Thread.sleep(1_000 + random.nextInt(3_000));
                pipeline.assertAlive();
                registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).withPort(registryPort).start();
            }
            case 4 -> {
                pipeline.kill();
                worker.kill();
                pipeline = startPipeline();
                worker = startWorker();
            }
            default -> throw new IllegalArgumentException("no fault " + which);
        }
    }

    private ChildJvm startPipeline() {
        return ChildJvm.start("pipeline", tmp.resolve("logs"), List.of("pipeline",
                "--bootstrap-servers", broker.bootstrapServers(), "--schema-registry-url", "http://127.0.0.1:" + registryPort,
                "--kafka-config", kafkaConfig.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--http-port", "0"));
    }

    private ChildJvm startWorker() {
        return ChildJvm.start("worker", tmp.resolve("logs"), List.of("worker",
                "--bootstrap-servers", broker.bootstrapServers(), "--schema-registry-url", "http://127.0.0.1:" + registryPort,
                "--kafka-config", kafkaConfig.toString(), "--worker-id", "w1"));
    }

    /** Polls the results until at least {@code answers} are counted; the children must stay alive meanwhile. */
    private long awaitAnswers(ResultsView results, Set<String> targets, long answers) {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            results.poll(Duration.ofMillis(100));
            seen = ExpectedCounts.answersSeen(results.latest(), targets);
            if (seen >= answers) {
                return seen;
            }
            pipeline.assertAlive();
            worker.assertAlive();
        }
        throw new AssertionError("only " + seen + " of " + answers + " answers after " + PHASE_TIMEOUT
                + "; pipeline log:\n" + pipeline.logTail(40) + "\nworker log:\n" + worker.logTail(40));
    }

    /** Records in the dead-letter topic (end offsets; nothing else writes it here). */
    private static long deadLetters(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.DEADLETTER)).allTopicNames().get().get(Topics.DEADLETTER).partitions()
                    .forEach(p -> latest.put(new TopicPartition(Topics.DEADLETTER, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
