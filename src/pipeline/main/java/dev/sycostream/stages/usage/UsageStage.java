package dev.sycostream.stages.usage;

import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.UsageCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.topics.Topics;
import dev.sycostream.usage.UsageTotals;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Stage 10, tokens and money: {@code sycostream.eval.scored} (evaluation and probe answers alike: both were paid for)
 * → {@code sycostream.usage.results}, per target × task, cumulative ({@value #CUMULATIVE_STORE}, which the dashboard
 * and {@code /api/usage} query) and per tumbling window of reply time: requests, replies with usage, prompt and
 * completion tokens, and the exact cost in pico-dollars at the target's prices. The scoring stage counts each request
 * once, so a reply delivered twice is paid for once here too, and a retried request carries only the usage of the
 * attempt that answered.
 */
public final class UsageStage {
    public static final String PENDING_STORE = "usage-pending-store";
    public static final String CUMULATIVE_STORE = "usage-cumulative-store";
    public static final String WINDOWED_STORE = "usage-windowed-store";
    public static final String REPARTITION = "usage-by-key";
    /** How often pending counts go to the aggregation, as in the metrics stage. */
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private UsageStage() {
    }

    /** @param scored the stream of {@code sycostream.eval.scored}, shared with the other stages */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, ScoredAnswer> scored,
                             Duration window, Duration grace) {
        Serde<UsageCounts> serde = topics.valueSerde(UsageCounts.class);
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.String(), serde).withCachingEnabled());
        KGroupedStream<String, UsageCounts> batches = scored
                .process(() -> new UsageBatcher(window, FLUSH_INTERVAL), Named.as("usage-batches"), PENDING_STORE)
                .groupByKey(Grouped.with(REPARTITION, Serdes.String(), serde));

        batches.aggregate(UsageTotals::zero, (key, batch, total) -> UsageTotals.sum(total, batch),
                        Named.as("usage-cumulative-aggregate"),
                        Materialized.<String, UsageCounts, KeyValueStore<Bytes, byte[]>>as(CUMULATIVE_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(serde))
                .toStream(Named.as("usage-cumulative-updates"))
                .process(() -> new UsageEmitter<String>(k -> k, MetricNames.CUMULATIVE, k -> null, k -> null),
                        Named.as("usage-to-result-cumulative"))
                .to(topics.usageResults().name(), topics.usageResults().produced("usage-results-sink-cumulative"));

        batches.windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
                .aggregate(UsageTotals::zero, (key, batch, total) -> UsageTotals.sum(total, batch),
                        Named.as("usage-windowed-aggregate"),
                        Materialized.<String, UsageCounts, WindowStore<Bytes, byte[]>>as(WINDOWED_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(serde))
                .toStream(Named.as("usage-windowed-updates"))
                .process(() -> new UsageEmitter<Windowed<String>>(Windowed::key, window.toString(),
                                w -> w.window().start(), w -> w.window().end()),
                        Named.as("usage-to-result-windowed"))
                .to(topics.usageResults().name(), topics.usageResults().produced("usage-results-sink-windowed"));
    }
}
