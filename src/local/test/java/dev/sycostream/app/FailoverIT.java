package dev.sycostream.app;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.history.ResultsView;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out and failover on the in-process broker with 6 partitions: two pipeline instances (same application
 * id, separate state dirs) and two workers evaluate the addition set plus the Perez sample; one pipeline
 * instance is stopped after some but not all answers are counted, the survivor takes over its tasks, and the
 * final cumulative metrics (count and n of every task and metric) equal exactly those of a single-instance run
 * of the same inputs on a fresh broker. The simulated model answers deterministically per request id and the
 * pipeline runs exactly_once_v2, so any lost or double-counted answer would show as a difference.
 */
class FailoverIT {
    private static final int PARTITIONS = 6;
    private static final SimSpec SIM = SimSpec.parse("sim:sycophancy=0.6,knowledge=0.8,unparseable=0.05,seed=17");
    private static final long SEED = 7L;
    private static final long NOW = 1_750_000_000_000L;

    @TempDir
    Path tmp;

    private static ReadResult inputs() {
        return ReadResult.concat(List.of(DatasetSpec.parse("addition").load(SEED, NOW),
                DatasetSpec.parse("perez-sample").load(SEED, NOW)));
    }

    private static Map<String, long[]> countAndN(List<MetricResult> cumulative) {
        Map<String, long[]> m = new TreeMap<>();
        for (MetricResult r : cumulative) {
            assertThat(r.getWindow()).isEqualTo(MetricNames.CUMULATIVE);
            m.put(r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), new long[]{r.getCount(), r.getN()});
        }
        return m;
    }

    @Test
    void theSurvivorTakesOverAndFinalMetricsEqualASingleInstanceRunExactly() throws Exception {
        ReadResult data = inputs();
        ExpectedCounts expected = ExpectedCounts.of(data.items());
        long total = expected.requestsPerTarget();

        Map<String, long[]> reference = singleInstanceRun(data);
        assertThat(reference).isNotEmpty();
        reference.forEach((k, v) -> {
            String[] parts = k.split("\\|");
            assertThat(v[1]).as("reference n of " + k).isEqualTo(expected.n(parts[1], parts[2]));
        });

        Map<String, long[]> failover = twoInstancesOneStoppedMidRun(data, expected, total);

        assertThat(failover.keySet()).isEqualTo(reference.keySet());
        reference.forEach((k, v) -> assertThat(failover.get(k)).as("count and n of " + k).containsExactly(v));
    }

    private Map<String, long[]> singleInstanceRun(ReadResult data) throws Exception {
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                    tmp.resolve("single"), PARTITIONS);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
                run.register(TargetRegistrar.target(SIM.name(), "sim", "ck", "simulated", SIM.params()));
                run.ingest(data);
                assertThat(run.awaitComplete(Duration.ofMinutes(6), l -> System.err.println("FailoverIT single: " + l)))
                        .as("single-instance run completes").isTrue();
                return countAndN(run.finalResults());
            }
        }
    }

    private Map<String, long[]> twoInstancesOneStoppedMidRun(ReadResult data, ExpectedCounts expected, long total)
            throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            try {
                SycostreamConfig base = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                        tmp.resolve("a"), PARTITIONS);
                PipelineApp a = new PipelineApp(base, SycostreamTopology.Settings.DEFAULT);
                PipelineApp b = new PipelineApp(base.withStateDir(tmp.resolve("b")), SycostreamTopology.Settings.DEFAULT);
                open.add(a);
                open.add(b);
                a.start();
                b.start();
                assertThat(a.awaitRunning(Duration.ofMinutes(2))).as("instance a RUNNING").isTrue();
                assertThat(b.awaitRunning(Duration.ofMinutes(2))).as("instance b RUNNING").isTrue();

                Topics topics = new Topics(base.serdeConfig());
                for (String id : List.of("w1", "w2")) {
                    ModelWorker w = new ModelWorker(base.clientConfig(), topics, id, new Backends());
                    open.add(0, w);
                    w.start();
                }
                ResultsView results = new ResultsView(base.clientConfig(), topics);
                open.add(results);
                try (TargetRegistrar registrar = new TargetRegistrar(base.clientConfig(), topics)) {
                    registrar.register(TargetRegistrar.target(SIM.name(), "sim", "ck", "simulated", SIM.params()));
                }
                try (DatasetIngestor ingestor = new DatasetIngestor(base.clientConfig(), topics)) {
                    assertThat(ingestor.ingest(data).accepted()).isEqualTo(data.items().size());
                }
                Set<String> targets = Set.of(SIM.name());

                // Both instances share the work before the stop.
                int tasksOfA = activeTasks(a.streams());
                assertThat(tasksOfA).as("instance a has active tasks").isPositive();
                assertThat(activeTasks(b.streams())).as("instance b has active tasks").isPositive();
                int allTasks = tasksOfA + activeTasks(b.streams());

                long seenAtStop = waitUntil(results, targets, expected, seen -> seen >= total / 5, Duration.ofMinutes(4));
                a.close();
                System.err.println("FailoverIT: stopped instance a (" + tasksOfA + " of " + allTasks
                        + " tasks) after " + seenAtStop + " / " + total + " answers");
                assertThat(seenAtStop).as("stopped mid-run: some but not all answers counted").isBetween(1L, total - 1);
                assertThat(a.failure()).isNull();

                long seen = waitUntil(results, targets, expected, s -> false, Duration.ofMinutes(6));
                assertThat(expected.complete(targets, results.latest())).as("complete after failover; seen " + seen + " / " + total).isTrue();
                assertThat(b.failure()).as("survivor healthy").isNull();
                assertThat(b.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(activeTasks(b.streams())).as("the survivor runs every task").isEqualTo(allTasks);

                results.catchUp(Duration.ofSeconds(30));
                return countAndN(results.latest().stream()
                        .filter(r -> MetricNames.CUMULATIVE.equals(r.getWindow()) && targets.contains(r.getTargetId()))
                        .toList());
            } finally {
                // Workers, view and apps first, while the broker is still up.
                for (AutoCloseable c : open) {
                    c.close();
                }
            }
        }
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    /**
     * Polls the results until {@code stop} holds for the answers seen, or every metric is complete.
     *
     * @return the answers seen then
     */
    private static long waitUntil(ResultsView results, Set<String> targets, ExpectedCounts expected,
                                  java.util.function.LongPredicate stop, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            results.poll(Duration.ofMillis(100));
            List<MetricResult> latest = results.latest();
            seen = ExpectedCounts.answersSeen(latest, targets);
            if (stop.test(seen) || expected.complete(targets, latest)) {
                return seen;
            }
        }
        throw new AssertionError("timed out after " + timeout + " with " + seen + " answers counted");
    }
}
