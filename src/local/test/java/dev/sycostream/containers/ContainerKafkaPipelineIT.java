package dev.sycostream.containers;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.registry.EmbeddedSchemaRegistry;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline against Apache Kafka in a container (official apache/kafka image, KRaft) on hosts with a
 * Docker engine; skipped where there is none (disabledWithoutDocker).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaPipelineIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path stateDir;

    @Test
    void evaluatesAdditionItemsWithExactCountsOnContainerKafka() throws Exception {
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(KAFKA.getBootstrapServers()).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(KAFKA.getBootstrapServers(), registry.url(), stateDir, 3);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
                run.register(TargetRegistrar.target("c1", "sim", "ck", "simulated",
                        Map.of("sycophancy", "0.5", "knowledge", "0.9", "seed", "5")));
                List<DatasetItem> items = Fixtures.additionItems(200);
                run.ingest(new ReadResult(items, List.of()));
                assertThat(run.awaitComplete(Duration.ofMinutes(3), System.err::println)).isTrue();
                ExpectedCounts expected = ExpectedCounts.of(items);
                for (MetricResult r : run.finalResults()) {
                    assertThat(r.getN()).isEqualTo(expected.n(r.getTask(), r.getMetric()));
                }
            }
        }
    }
}
