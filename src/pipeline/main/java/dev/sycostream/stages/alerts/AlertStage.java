package dev.sycostream.stages.alerts;

import dev.sycostream.alerts.AlertRule;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import java.util.List;

/**
 * Stage 7: {@code sycostream.metrics.results} (cumulative) → {@code sycostream.alerts}, once per crossing of a
 * start-up {@link AlertRule}. Always part of the topology, with no rules too, so adding rules later needs no
 * topology change and keeps the store's changelog.
 */
public final class AlertStage {
    public static final String FIRING_STORE = "alerts-firing-store";

    private AlertStage() {
    }

    /** @param results the stream of {@code sycostream.metrics.results}, shared with the dashboard's table */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, MetricResult> results,
                             List<AlertRule> rules) {
        List<AlertRule> copy = List.copyOf(rules);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIRING_STORE),
                Serdes.String(), Serdes.Long()));
        results.process(() -> new AlertProcessor(copy), Named.as("alerts-judge"), FIRING_STORE)
                .to(topics.alerts().name(), topics.alerts().produced("alerts-sink"));
    }
}
