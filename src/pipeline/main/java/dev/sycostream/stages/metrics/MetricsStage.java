package dev.sycostream.stages.metrics;

import dev.sycostream.metrics.MetricNames;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.topics.Topic;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Aggregator;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Initializer;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import dev.sycostream.avro.ScoredAnswer;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Stage 4: {@code sycostream.eval.scored} → {@code sycostream.metrics.results}. Scored answers become 0/1
 * observations ({@link ObservationExtractor}), pre-counted per task and window in {@link PendingCounts}, flushed
 * every {@link #FLUSH_INTERVAL} as (count, n) batches repartitioned by "target|task|metric", and summed twice:
 * cumulatively, and per tumbling window of event time (the reply's time). Every update of a count is
 * published with its Wilson 95% interval, so dashboards see the metric converge live.
 *
 * <p>Why batches and not one record per observation: an answer makes 3–4 observations, and sending each through
 * the repartition topic made it the largest writer of the whole pipeline (`sycostream bench`,
 * {@code log_offsets_per_answer}); batches cost a few records per flush whatever the rate.
 */
public final class MetricsStage {
    public static final String PAIRS_STORE = "metrics-pairs-store";
    public static final String CUMULATIVE_STORE = "metrics-cumulative-store";
    public static final String WINDOWED_STORE = "metrics-windowed-store";
    public static final String PENDING_STORE = "metrics-pending-counts-store";
    public static final String REPARTITION = "metrics-by-key";
    /** How often pending counts go to the aggregation; a result is visible at the first commit after it. */
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private MetricsStage() {
    }

    /** @param scored the stream of {@code sycostream.eval.scored}, shared with the training stage */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, ScoredAnswer> scored,
                             Duration window, Duration grace) {
        addTo(builder, topics, scored, window, grace, topics.metricsResults(), "");
    }

    /**
     * @param results   where the results go ({@code sycostream.metrics.results}, or {@code sycostream.metrics.rescored}
     *                  for a rescore run)
     * @param keyPrefix prepended to every result key ("" normally, "RUN_ID|" for a rescore run)
     */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, ScoredAnswer> scored,
                             Duration window, Duration grace, Topic<String, MetricResult> results, String keyPrefix) {
        Serde<MetricCounts> countsSerde = topics.valueSerde(MetricCounts.class);
        // Cached: the two variants of an item are answered back to back, so the first usually waits here less than
        // a commit interval, and its put and delete then collapse in the cache instead of both reaching the changelog.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAIRS_STORE),
                Serdes.String(), topics.evalScored().valueSerde()).withCachingEnabled());
        // Small (one entry per target × task × metric × open window) and emptied at every flush: in memory, with
        // its changelog for durability and the record cache so the changelog gets one write per key per commit.
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.String(), countsSerde).withCachingEnabled());

        KGroupedStream<String, MetricCounts> batches = scored
                .process(() -> new ObservationExtractor(window, FLUSH_INTERVAL), Named.as("metrics-observations"),
                        PAIRS_STORE, PENDING_STORE)
                .groupByKey(Grouped.with(REPARTITION, Serdes.String(), countsSerde));

        Initializer<MetricCounts> zero = () -> MetricCounts.newBuilder().build();
        Aggregator<String, MetricCounts, MetricCounts> add =
                (key, b, c) -> new MetricCounts(c.getCount() + b.getCount(), c.getN() + b.getN(),
                        c.getScoreSum() + b.getScoreSum(), c.getScoreN() + b.getScoreN());

        batches
                .aggregate(zero, add, Named.as("metrics-cumulative-aggregate"),
                        Materialized.<String, MetricCounts, KeyValueStore<Bytes, byte[]>>as(CUMULATIVE_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(countsSerde))
                .toStream(Named.as("metrics-cumulative-updates"))
                .process(() -> new ResultEmitter<String>(keyPrefix, k -> k, k -> MetricNames.CUMULATIVE, k -> null, k -> null),
                        Named.as("metrics-to-result-cumulative"))
                .to(results.name(), results.produced("metrics-results-sink-cumulative"));

        String windowName = window.toString();
        batches
                .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
                .aggregate(zero, add, Named.as("metrics-windowed-aggregate"),
                        Materialized.<String, MetricCounts, WindowStore<Bytes, byte[]>>as(WINDOWED_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(countsSerde))
                .toStream(Named.as("metrics-windowed-updates"))
                .process(() -> new ResultEmitter<Windowed<String>>(keyPrefix,
                                Windowed::key, w -> windowName,
                                w -> w.window().start(), w -> w.window().end()),
                        Named.as("metrics-to-result-windowed"))
                .to(results.name(), results.produced("metrics-results-sink-windowed"));
    }

}
