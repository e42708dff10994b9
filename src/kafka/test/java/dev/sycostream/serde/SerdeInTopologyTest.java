package dev.sycostream.serde;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.registry.MockSchemaRegistryClient;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The serdes as Kafka Streams code uses them: mock:// registry, TopologyTestDriver, shared instances. */
class SerdeInTopologyTest {
    private static final String SCOPE = "serde-in-topology-test";
    private static final Map<String, String> CONFIG = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void aTopologyReadsAndWritesAvroThroughTheMockRegistry() {
        StreamsBuilder builder = new StreamsBuilder();
        // Input via the default serde (no-arg SpecificAvroSerde, class found by schema name), output via an explicit one.
        builder.<String, ModelRequest>stream("requests", Consumed.with(Serdes.String(), null))
                .mapValues(r -> MetricCounts.newBuilder().setCount(r.getUserAnswer() == null ? 0 : 1).setN(1).build())
                .to("counts", Produced.with(Serdes.String(), AvroSerdes.specific(MetricCounts.class, CONFIG, false)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, SpecificAvroSerde.class);
        props.putAll(CONFIG);

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            Serde<ModelRequest> requests = AvroSerdes.specific(ModelRequest.class, CONFIG, false);
            TestInputTopic<String, ModelRequest> in = driver.createInputTopic("requests",
                    Serdes.String().serializer(), requests.serializer());
            TestOutputTopic<String, MetricCounts> out = driver.createOutputTopic("counts",
                    Serdes.String().deserializer(), AvroSerdes.specific(MetricCounts.class, CONFIG, false).deserializer());

            in.pipeInput("r1", TestRecords.modelRequest("B"));
            in.pipeInput("r2", TestRecords.modelRequest(null));

            assertThat(out.readValuesToList()).containsExactly(TestRecords.counts(1, 1), TestRecords.counts(0, 1));
        }
        assertThat(MockSchemaRegistryClient.forScope(SCOPE).subjects()).containsExactly("counts-value", "requests-value");
    }

    @Test
    void oneSerdeInstanceIsSafeToShareBetweenThreads() throws Exception {
        Serde<ModelRequest> serde = AvroSerdes.specific(ModelRequest.class, CONFIG, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String answer = "ABCD".substring(t, t + 1);
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 500; i++) {
                        ModelRequest request = TestRecords.modelRequest(answer);
                        request.setCreatedAtMs(i);
                        ModelRequest back = serde.deserializer().deserialize("requests", serde.serializer().serialize("requests", request));
                        ok += back.equals(request) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
