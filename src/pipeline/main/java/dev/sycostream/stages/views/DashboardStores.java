package dev.sycostream.stages.views;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 6, the store the dashboard queries: {@code sycostream.metrics.results} as a table, the latest result per
 * {@code target|task|metric|window} key, for interactive queries by {@link StreamsDashboardData}.
 */
public final class DashboardStores {
    public static final String RESULTS_STORE = "web-results-store";

    private DashboardStores() {
    }

    /** @param results the stream of {@code sycostream.metrics.results}, shared with the alert stage */
    public static void addTo(Topics topics, KStream<String, MetricResult> results) {
        results.toTable(Named.as("web-results-table"),
                Materialized.<String, MetricResult, KeyValueStore<Bytes, byte[]>>as(RESULTS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.metricsResults().valueSerde()));
    }
}
