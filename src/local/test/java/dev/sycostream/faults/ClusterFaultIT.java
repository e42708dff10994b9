package dev.sycostream.faults;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.datasets.AdditionDataset;
import dev.sycostream.datasets.PerezSample;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.history.ResultsView;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.input.ReadResult;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.registry.EmbeddedSchemaRegistry;
import dev.sycostream.serde.AvroSerdeConfig;
import dev.sycostream.testing.ChildJvm;
import dev.sycostream.testing.ExactCounts;
import dev.sycostream.testing.KRaftCluster;
import dev.sycostream.testing.KRaftCluster.KafkaNode;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node failures on a real cluster: three KRaft broker processes (replication 3, {@code min.insync.replicas=2}), two
 * pipeline instances and two workers as production processes ({@code sycostream pipeline} / {@code worker}), the
 * in-process schema registry. The items arrive in slices; in each slice but the last, at a point drawn from a seed
 * printed at the start, one fault strikes, in a seeded order: SIGKILL of the broker leading most
 * {@code sycostream.model.requests} partitions (restarted on its data dir a few seconds later), SIGKILL of a pipeline
 * instance (restarted on its state dir), SIGKILL of a worker (restarted with the same id, so it fences its
 * predecessor), each twice, and a restart of the schema registry. At the end every cumulative count and n equals
 * the offline recount of the simulated answers, nothing is "failed", nothing dead-lettered and no partition is
 * under-replicated, and every process answers 200 on its health paths. Kept small (a few hundred requests, 6 s sessions) so it fits CI in about three minutes.
 */
class ClusterFaultIT {
    private static final SimSpec SIM = SimSpec.parse("clustered:sycophancy=0.6,knowledge=0.8,unparseable=0.05,seed=31");
    private static final int ADDITION_ITEMS = 160;
    private static final int PARTITIONS = 6;
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(2);

    private enum Fault { BROKER, PIPELINE, WORKER, REGISTRY }

    @TempDir
    Path tmp;

    private KRaftCluster cluster;
    private EmbeddedSchemaRegistry registry;
    private int registryPort;
    private Path kafkaConfig;
    private final ChildJvm[] pipelines = new ChildJvm[2];
    private final ChildJvm[] workers = new ChildJvm[2];
    private final List<String> timeline = new ArrayList<>();
    private long t0;
    private Random random;

    @Test
    void brokerPipelineWorkerAndRegistryFailuresOnThreeBrokersGiveExactlyTheOfflineCounts() throws Exception {
        long seed = Long.getLong("sycostream.clusterSeed", System.nanoTime());
        random = new Random(seed);
        t0 = System.nanoTime();
        event("random seed " + seed + " (rerun with -Dsycostream.clusterSeed=" + seed + ")");

        List<DatasetItem> items = new ArrayList<>(AdditionDataset.generate(9L, 1_750_000_000_000L).subList(0, ADDITION_ITEMS));
        items.addAll(PerezSample.load(1_750_000_000_000L).items());
        Collections.shuffle(items, new Random(9L));
        ExpectedCounts expected = ExpectedCounts.of(items);
        long total = expected.requestsPerTarget();
        Set<String> targets = Set.of(SIM.name());
        List<Fault> faults = new ArrayList<>(List.of(Fault.BROKER, Fault.PIPELINE, Fault.WORKER,
                Fault.BROKER, Fault.PIPELINE, Fault.WORKER, Fault.REGISTRY));
        Collections.shuffle(faults, random);
        event(items.size() + " items, " + total + " requests; faults in order " + faults);

        cluster = KRaftCluster.start(tmp.resolve("kafka"), 3);
        event("3 brokers up at " + cluster.bootstrapServers());
        try {
            registry = new EmbeddedSchemaRegistry(cluster.bootstrapServers()).start();
            registryPort = registry.port();
            Map<String, Object> client = cluster.clientConfig();
            Topics topics = new Topics(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl()));
            assertThat(new TopicProvisioner(client).ensure(topics.all(), PARTITIONS, (short) -1))
                    .as("fresh topics, default replication on three brokers").isEmpty();
            assertReplication(client);
            // A killed member's partitions move after its session times out: 6 s (the broker's minimum), not 45 s.
            kafkaConfig = tmp.resolve("client.properties");
            Files.writeString(kafkaConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");

            try (ResultsView results = new ResultsView(client, topics)) {
                try (TargetRegistrar registrar = new TargetRegistrar(client, topics)) {
                    registrar.register(TargetRegistrar.target(SIM.name(), "sim", "ck", "simulated", SIM.params()));
                }
                for (int i = 0; i < 2; i++) {
                    pipelines[i] = startPipeline(i);
                    workers[i] = startWorker(i);
                }
                event("2 pipeline instances and 2 workers started");

                int slices = faults.size() + 1;
                int sliceSize = (items.size() + slices - 1) / slices;
                List<DatasetItem> sent = new ArrayList<>();
                for (int slice = 0; slice < slices; slice++) {
                    List<DatasetItem> part = items.subList(Math.min(items.size(), slice * sliceSize),
                            Math.min(items.size(), (slice + 1) * sliceSize));
                    try (DatasetIngestor ingestor = new DatasetIngestor(client, topics)) {
                        assertThat(ingestor.ingest(new ReadResult(part, List.of())).accepted()).isEqualTo(part.size());
                    }
                    long before = ExpectedCounts.of(sent).requestsPerTarget();
                    sent.addAll(part);
                    long after = ExpectedCounts.of(sent).requestsPerTarget();
                    if (slice == slices - 1) {
                        break; // the last slice runs undisturbed to the end
                    }
                    long strikeAt = before + (long) ((after - before) * (0.15 + 0.6 * random.nextDouble()));
                    long seen = awaitAnswers(results, targets, strikeAt);
                    assertThat(seen).as("fault %d strikes mid-run", slice + 1).isLessThan(total);
                    strike(slice + 1, faults.get(slice), seen, total);
                }

                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (!expected.complete(targets, results.latest()) && System.nanoTime() < deadline) {
                    results.poll(Duration.ofMillis(200));
                    assertChildrenAlive();
                }
                assertThat(expected.complete(targets, results.latest()))
                        .as("every request answered and counted; seen %d / %d",
                                ExpectedCounts.answersSeen(results.latest(), targets), total).isTrue();
                event("all " + total + " answers counted");
                results.catchUp(Duration.ofSeconds(30));

                int compared = ExactCounts.assertEqualToOfflineRecount(results, SIM, items);
                event(compared + " cumulative counts and n equal the offline recount");
                assertThat(ExactCounts.deadLetters(client)).as("records dead-lettered by the faults").isZero();
                assertThat(cluster.awaitFullyReplicated(Duration.ofSeconds(60))).as("under-replicated partitions")
                        .isEmpty();
                event("nothing dead-lettered, no partition under-replicated");
                for (ChildJvm p : pipelines) {
                    assertHealthy(p, "dashboard=", "streams RUNNING");
                }
                for (ChildJvm w : workers) {
                    String metrics = assertHealthy(w, "worker http=", "running");
                    assertThat(metrics).contains("sycostream_worker_records_total{outcome=\"replied\"");
                }
                event("every pipeline and worker answers 200 on /health/live and /health/ready");
            }
        } finally {
            System.err.println("ClusterFaultIT timeline:\n  " + String.join("\n  ", timeline));
            for (ChildJvm c : workers) {
                closeQuietly(c);
            }
            for (ChildJvm c : pipelines) {
                closeQuietly(c);
            }
            if (registry != null) {
                registry.close();
            }
            cluster.close();
        }
    }

    /** Every declared topic got 3 replicas and min.insync.replicas=2 without being told. */
    private static void assertReplication(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            TopicDescription requests = admin.describeTopics(List.of(Topics.MODEL_REQUESTS)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.MODEL_REQUESTS);
            assertThat(requests.partitions()).hasSize(PARTITIONS)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_REQUESTS);
            assertThat(admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
                    .get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    private void strike(int n, Fault fault, long seen, long total) throws Exception {
        String at = "fault " + n + " after " + seen + " / " + total + " answers: ";
        switch (fault) {
            case BROKER -> {
                // One broker down at a time: the previous one must be back in every ISR first.
                assertThat(cluster.awaitFullyReplicated(Duration.ofSeconds(60))).as("replicated before a broker fault").isEmpty();
                int leader = cluster.leaderOfMost(Topics.MODEL_REQUESTS);
                KafkaNode node = cluster.node(leader);
                node.kill();
                event(at + "SIGKILL broker " + leader + " (leader of most " + Topics.MODEL_REQUESTS + " partitions)");
                Thread.sleep(2_000 + random.nextInt(3_000));
                node.start();
                event("broker " + leader + " restarted on its data dir");
            }
            case PIPELINE -> {
                int i = random.nextInt(2);
                pipelines[i].kill();
                event(at + "SIGKILL pipeline instance " + (char) ('a' + i));
                pipelines[i] = startPipeline(i);
                event("pipeline instance " + (char) ('a' + i) + " restarted on its state dir");
            }
            case WORKER -> {
                int i = random.nextInt(2);
                workers[i].kill();
                event(at + "SIGKILL worker w" + (i + 1));
                workers[i] = startWorker(i);
                event("worker w" + (i + 1) + " restarted with the same id");
            }
            case REGISTRY -> {
                registry.close();
                event(at + "schema registry stopped");
                Thread.sleep(1_000 + random.nextInt(2_000));
                registry = new EmbeddedSchemaRegistry(cluster.bootstrapServers()).withPort(registryPort).start();
                event("schema registry restarted on port " + registryPort);
            }
        }
    }

    private String registryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    private ChildJvm startPipeline(int i) {
        return ChildJvm.start("pipeline-" + (char) ('a' + i), tmp.resolve("logs"), List.of("pipeline",
                "--bootstrap-servers", cluster.bootstrapServers(), "--schema-registry-url", registryUrl(),
                "--kafka-config", kafkaConfig.toString(), "--state-dir", tmp.resolve("state-" + (char) ('a' + i)).toString(),
                "--partitions", Integer.toString(PARTITIONS), "--http-port", "0"));
    }

    private ChildJvm startWorker(int i) {
        return ChildJvm.start("worker-w" + (i + 1), tmp.resolve("logs"), List.of("worker",
                "--bootstrap-servers", cluster.bootstrapServers(), "--schema-registry-url", registryUrl(),
                "--kafka-config", kafkaConfig.toString(), "--worker-id", "w" + (i + 1),
                "--http-host", "127.0.0.1", "--http-port", "0"));
    }

    /**
     * The process's /health/live and /health/ready answer 200 (ready saying {@code readyDetail}); returns its
     * /metrics. The base URL is the one the process printed after {@code urlPrefix}.
     */
    private static String assertHealthy(ChildJvm process, String urlPrefix, String readyDetail) throws Exception {
        String base = process.logTail(Integer.MAX_VALUE).lines().filter(l -> l.startsWith(urlPrefix))
                .map(l -> l.substring(urlPrefix.length()).split(" ")[0]).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(process + " printed no " + urlPrefix));
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String[] bodies = new String[3];
        String[] paths = {"/health/live", "/health/ready", "/metrics"};
        for (int i = 0; i < paths.length; i++) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + paths[i])).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (i < 2) {
                assertThat(response.statusCode()).as(process + " " + paths[i] + ": " + response.body()).isEqualTo(200);
            }
            bodies[i] = response.body();
        }
        assertThat(bodies[1]).contains(readyDetail);
        return bodies[2];
    }

    private void assertChildrenAlive() {
        for (ChildJvm c : pipelines) {
            c.assertAlive();
        }
        for (ChildJvm c : workers) {
            c.assertAlive();
        }
    }

    private long awaitAnswers(ResultsView results, Set<String> targets, long answers) {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            results.poll(Duration.ofMillis(100));
            seen = ExpectedCounts.answersSeen(results.latest(), targets);
            if (seen >= answers) {
                return seen;
            }
            assertChildrenAlive();
        }
        throw new AssertionError("only " + seen + " of " + answers + " answers after " + PHASE_TIMEOUT
                + "; pipeline a log:\n" + pipelines[0].logTail(30) + "\nworker w1 log:\n" + workers[0].logTail(30));
    }

    private void event(String what) {
        String line = String.format("%6.1f s  %s", (System.nanoTime() - t0) / 1e9, what);
        timeline.add(line);
        System.err.println("ClusterFaultIT: " + line);
    }

    private static void closeQuietly(ChildJvm c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // the test is over
            }
        }
    }
}
