package dev.sycostream.faults;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sycostream.app.PipelineApp;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.AdditionDataset;
import dev.sycostream.datasets.PerezSample;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.history.ResultsView;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.input.ReadResult;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.testing.ExactCounts;
import dev.sycostream.testing.FlakyRegistryProxy;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two pipeline instances start at the same moment against a fresh schema registry that fails first registrations
 * the way registries fail racing writers: 500s for some subjects (more than the registry client's own attempts, so
 * a stream thread does die of it and is replaced), 409 "already exists" for the others. A registry failure is never
 * the record's fault: nothing may be dead-lettered, and every count must equal the offline recount.
 */
class RegistryRaceIT {
    private static final SimSpec SIM = SimSpec.parse("racy:sycophancy=0.6,knowledge=0.8,unparseable=0.05,seed=29");
    private static final long NOW = 1_750_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void twoInstancesRacingOnAFailingFreshRegistryDeadLetterNothingAndCountExactly() throws Exception {
        List<DatasetItem> items = new ArrayList<>(AdditionDataset.generate(3L, NOW).subList(0, 150));
        items.addAll(PerezSample.load(NOW).items());
        ExpectedCounts expected = ExpectedCounts.of(items);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger appLog = (Logger) LoggerFactory.getLogger(PipelineApp.class);
        appLog.addAppender(logs);
        List<AutoCloseable> open = new ArrayList<>();
        try (EmbeddedStack stack = new EmbeddedStack(null).start();
             FlakyRegistryProxy flaky = new FlakyRegistryProxy(stack.schemaRegistryUrl(), 6, 2)) {
            try {
                SycostreamConfig direct = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                        tmp.resolve("unused"), 3);
                // A replaced stream thread's old member leaves the group only when its session times out (Streams
                // does not send a leave on close): 6 s, the broker's minimum, instead of 45.
                SycostreamConfig viaProxy = new SycostreamConfig(stack.bootstrapServers(), flaky.url(),
                        Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"),
                        SycostreamConfig.DEFAULT_APPLICATION_ID, 3, (short) 1, tmp.resolve("a"),
                        org.apache.kafka.streams.StreamsConfig.EXACTLY_ONCE_V2);
                PipelineApp a = new PipelineApp(viaProxy, SycostreamTopology.Settings.DEFAULT);
                PipelineApp b = new PipelineApp(viaProxy.withStateDir(tmp.resolve("b")), SycostreamTopology.Settings.DEFAULT);
                open.add(a);
                open.add(b);
                CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start)).join();

                Topics topics = new Topics(direct.serdeConfig());
                ModelWorker worker = new ModelWorker(direct.clientConfig(), topics, "race-w1", new Backends()).start();
                open.add(0, worker);
                ResultsView results = new ResultsView(direct.clientConfig(), topics);
                open.add(0, results);
                try (TargetRegistrar registrar = new TargetRegistrar(direct.clientConfig(), topics)) {
                    registrar.register(TargetRegistrar.target(SIM.name(), "sim", "ck", "simulated", SIM.params()));
                }
                try (DatasetIngestor ingestor = new DatasetIngestor(direct.clientConfig(), topics)) {
                    assertThat(ingestor.ingest(new ReadResult(items, List.of())).accepted()).isEqualTo(items.size());
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                while (!expected.complete(Set.of(SIM.name()), results.latest()) && System.nanoTime() < deadline) {
                    results.poll(Duration.ofMillis(200));
                    assertThat(a.failure()).as("instance a").isNull();
                    assertThat(b.failure()).as("instance b").isNull();
                }
                assertThat(expected.complete(Set.of(SIM.name()), results.latest()))
                        .as("complete; seen %d / %d", ExpectedCounts.answersSeen(results.latest(), Set.of(SIM.name())),
                                expected.requestsPerTarget()).isTrue();
                results.catchUp(Duration.ofSeconds(30));

                System.err.printf("RegistryRaceIT: injected %d registry 500s and %d 409 conflicts; %d stream or global threads "
                        + "replaced%n", flaky.injected500(), flaky.injected409(), replacements(logs));
                assertThat(flaky.injected500()).as("500s injected").isPositive();
                assertThat(flaky.injected409()).as("409s injected").isPositive();
                assertThat(replacements(logs)).as("a thread died of a registry failure and was replaced or restarted")
                        .isPositive();
                assertThat(ExactCounts.assertEqualToOfflineRecount(results, SIM, items)).isPositive();
                assertThat(ExactCounts.deadLetters(direct.clientConfig())).as("dead letters").isZero();
                assertThat(a.failure()).isNull();
                assertThat(b.failure()).isNull();
            } finally {
                for (AutoCloseable c : open) {
                    c.close();
                }
            }
        } finally {
            appLog.detachAppender(logs);
        }
    }

    private static long replacements(ListAppender<ILoggingEvent> logs) {
        return logs.list.stream().filter(e -> e.getFormattedMessage().contains("on a schema registry failure")).count();
    }
}
