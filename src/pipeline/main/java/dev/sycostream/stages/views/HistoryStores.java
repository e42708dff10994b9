package dev.sycostream.stages.views;

import dev.sycostream.avro.Alert;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Stage 6, second part: the stores behind {@code /api/alerts} and {@code /api/probing}, so a poll reads a bounded
 * amount of state instead of re-reading topics with a fresh consumer. Built from the topics themselves (alerts come
 * from two stages, the alert rules and the drift detector; the topics are the one place all of them meet):
 * <ul>
 *   <li>{@value #ALERTS_STORE}: {@code sycostream.alerts} as a table, the latest {@code Alert} per
 *       {@code rule|target|task|metric} (the topic is its changelog: source-topic reuse).</li>
 *   <li>{@value #DRIFT_STATES_STORE}: the latest {@code DriftRecord} per {@code target|task|metric}.</li>
 *   <li>{@value #DRIFT_EPISODES_STORE}: the episode edges (drift events other than {@code update}) by time, and</li>
 *   <li>{@value #PROBE_ROUNDS_STORE}: the {@code ProbeRound}s by time: window stores kept for {@link #RETENTION},
 *       so the page's last {@link #HORIZON} is a time-range fetch whose cost is bounded by that day, never by the
 *       30 days of the topics.</li>
 * </ul>
 * Added to the topology after every other stage, so the earlier sub-topologies keep their numbers.
 */
public final class HistoryStores {
    public static final String ALERTS_STORE = "web-alerts-store";
    public static final String DRIFT_STATES_STORE = "web-drift-states-store";
    public static final String DRIFT_EPISODES_STORE = "web-drift-episodes-store";
    public static final String PROBE_ROUNDS_STORE = "web-probe-rounds-store";
    /** How far back the probing page looks. */
    public static final Duration HORIZON = Duration.ofHours(24);
    /** The window stores keep a little more than the horizon, so a fetch of the horizon is never cut short. */
    static final Duration RETENTION = HORIZON.plusHours(1);
    /** A record is stored at its own time (a window of one millisecond): the stores index, they do not aggregate. */
    private static final Duration AT = Duration.ofMillis(1);

    private HistoryStores() {
    }

    public static void addTo(StreamsBuilder builder, Topics topics) {
        builder.table(topics.alerts().name(), topics.alerts().consumed("web-alerts-source"),
                Materialized.<String, Alert, KeyValueStore<Bytes, byte[]>>as(ALERTS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.alerts().valueSerde()));

        builder.addStateStore(byTime(PROBE_ROUNDS_STORE, topics.probeRounds().valueSerde()));
        builder.stream(topics.probeRounds().name(), topics.probeRounds().consumed("web-probe-rounds-source"))
                .process(ProbeRoundIndexer::new, Named.as("web-probe-rounds-index"), PROBE_ROUNDS_STORE);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DRIFT_STATES_STORE),
                Serdes.String(), topics.drift().valueSerde()));
        builder.addStateStore(byTime(DRIFT_EPISODES_STORE, topics.drift().valueSerde()));
        builder.stream(topics.drift().name(), topics.drift().consumed("web-drift-source"))
                .process(DriftIndexer::new, Named.as("web-drift-index"), DRIFT_STATES_STORE, DRIFT_EPISODES_STORE);
    }

    private static <V> StoreBuilder<WindowStore<String, V>> byTime(String name, Serde<V> values) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, RETENTION, AT, false),
                Serdes.String(), values);
    }
}
