package dev.sycostream.testing;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.registry.MockSchemaRegistryClient;
import dev.sycostream.topics.Topic;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;

/**
 * A TopologyTestDriver around a production-built topology, with the production Streams config (dead-letter
 * handlers, Avro serdes) pointed at a per-test in-memory registry ({@code mock://scope}).
 */
public final class TopologyHarness implements AutoCloseable {
    /** The driver's wall clock at the start (epoch ms). */
    public static final long START_MS = 1_000_000L;
    public final Topics topics;
    public final TopologyTestDriver driver;
    private final String scope;

    public TopologyHarness(java.util.function.Function<Topics, Topology> topology, Path stateDir) {
        scope = "ttd-" + UUID.randomUUID();
        SycostreamConfig config = SycostreamConfig.embedded("unused:9092", "mock://" + scope, stateDir, 1)
                .withApplicationId("ttd");
        topics = new Topics(config.serdeConfig());
        Properties props = config.streamsConfig();
        driver = new TopologyTestDriver(topology.apply(topics), props, Instant.ofEpochMilli(START_MS));
    }

    public <V> TestInputTopic<String, V> input(Topic<String, V> t) {
        return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer());
    }

    public <V> TestOutputTopic<String, V> output(Topic<String, V> t) {
        return driver.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
    }

    /**
     * Lets the metrics stage send its pending counts: it flushes them on wall-clock time
     * ({@link dev.sycostream.stages.metrics.MetricsStage#FLUSH_INTERVAL}), which the test driver only advances when told.
     */
    public void flushPendingMetrics() {
        driver.advanceWallClockTime(dev.sycostream.stages.metrics.MetricsStage.FLUSH_INTERVAL);
    }

    public TestOutputTopic<String, DeadLetter> deadLetters() {
        return output(topics.deadletter());
    }

    /**
     * Writes a value into a store's innermost layer, the bytes store, as a restore from its changelog does: no
     * serde, no changelog record. What an earlier version left in a changelog looks like this to the processor.
     */
    public void restoreRaw(String store, String key, byte[] value) {
        bytesStore(store).put(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)), value);
    }

    /** A store's value as its bytes store holds it (and its changelog gets it), or null. */
    public byte[] rawValue(String store, String key) {
        return bytesStore(store).get(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)));
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> bytesStore(String name) {
        StateStore store = (StateStore) driver.getKeyValueStore(name);
        while (store instanceof WrappedStateStore<?, ?, ?> wrapped) {
            store = wrapped.wrapped();
        }
        return (KeyValueStore<Bytes, byte[]>) store;
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistryClient.dropScope(scope);
    }
}
