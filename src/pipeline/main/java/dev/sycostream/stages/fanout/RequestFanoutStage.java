package dev.sycostream.stages.fanout;

import dev.sycostream.avro.FanoutProgressState;
import dev.sycostream.serde.AvroOrLegacyTextSerde;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ModelRequest;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * Stage 1: {@code sycostream.datasets.raw} × {@code sycostream.eval.targets} → {@code sycostream.model.requests}.
 * Every stored item is rendered for every active target, in each variant; see {@link FanoutProcessor}.
 */
public final class RequestFanoutStage {
    public static final String TARGETS_STORE = "prompts-targets-global-store";
    public static final String ITEMS_STORE = "prompts-items-store";
    public static final String PROGRESS_STORE = "prompts-fanout-progress-store";
    /** The sink of the requests of targets without a replay cap. */
    public static final String REQUESTS_SINK = "prompts-requests-sink";

    /**
     * @param scanInterval how often (wall clock) new targets are sent stored items
     * @param chunkSize    how many items one scan may send, across targets, per interval and task
     */
    public record Settings(Duration scanInterval, int chunkSize) {
        public static final Settings DEFAULT = new Settings(Duration.ofMillis(200), 5_000);
    }

    private RequestFanoutStage() {
    }

    /**
     * @param items the stream of {@code sycostream.datasets.raw}, shared with the training stage (a topic can
     *              have only one source in a topology)
     * @return the requests, for {@code stages.budget} to send to {@code sycostream.model.requests} (sink
     *         {@value #REQUESTS_SINK}) or through a target's replay cap
     */
    public static KStream<String, ModelRequest> addTo(StreamsBuilder builder, Topics topics, KStream<String, DatasetItem> items, Settings settings) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TARGETS_STORE),
                                Serdes.String(), topics.evalTargets().valueSerde())
                        .withLoggingDisabled(), // a global store is restored from its source topic
                topics.evalTargets().name(),
                topics.evalTargets().consumed("prompts-targets"),
                () -> new TargetsStoreUpdater(TARGETS_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEMS_STORE),
                Serdes.String(), topics.datasetsRaw().valueSerde()));
        // Avro values; the text values of versions before them are still read (the store name is unchanged)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS_STORE),
                Serdes.String(), progressSerde(topics)));

        return items.process(() -> new FanoutProcessor(settings), Named.as("prompts-fanout"), ITEMS_STORE, PROGRESS_STORE);
    }

    /** The value serde of {@link #PROGRESS_STORE}: writes {@link FanoutProgressState}, reads it or the legacy text. */
    static Serde<FanoutProgressState> progressSerde(Topics topics) {
        return new AvroOrLegacyTextSerde<>(topics.valueSerde(FanoutProgressState.class), LegacyFanoutProgressText::parse);
    }
}
