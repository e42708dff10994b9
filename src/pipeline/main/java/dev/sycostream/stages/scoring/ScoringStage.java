package dev.sycostream.stages.scoring;

import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import dev.sycostream.topics.Topic;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import java.time.Duration;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import dev.sycostream.avro.ScoredAnswer;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 3: {@code sycostream.model.requests} ⋈ {@code sycostream.model.replies} (both keyed and partitioned by
 * request_id, so no repartition) → {@code sycostream.eval.scored}. A table-table join, so a reply is matched
 * whichever side the app reads first; {@link FirstReplyScorer} then scores each request exactly once.
 */
public final class ScoringStage {
    public static final String REQUESTS_STORE = "scoring-requests-store";
    public static final String REPLIES_STORE = "scoring-replies-store";
    public static final String SCORED_IDS_STORE = "scoring-scored-ids-store";

    private ScoringStage() {
    }

    /**
     * What the scoring stage gives the stages after it.
     *
     * @param scored   the scored answers as written to {@code sycostream.eval.scored}
     * @param requests the table of {@code sycostream.model.requests} the join reads (keyed by request_id), shared
     *                 by the pushback stage: a topic has one source in a topology
     */
    public record Outputs(KStream<String, ScoredAnswer> scored, KTable<String, ModelRequest> requests) {
    }

    /** @return the scored answers as written to {@code sycostream.eval.scored}, for the stages that read them */
    public static KStream<String, ScoredAnswer> addTo(StreamsBuilder builder, Topics topics) {
        return addWithRequestsTo(builder, topics).scored();
    }

    /** {@link #addTo}, also giving the requests table. */
    public static Outputs addWithRequestsTo(StreamsBuilder builder, Topics topics) {
        Outputs joined = join(builder, topics, null);
        joined.scored().to(topics.evalScored().name(), topics.evalScored().produced("scoring-scored-sink"));
        // Downstream stages read the topic back rather than the in-memory stream: metrics and training are then
        // separate sub-topologies, re-partitioned by the topic's key (target|item), and can be replayed from it.
        return new Outputs(builder.stream(topics.evalScored().name(), topics.evalScored().consumed("scored-source")),
                joined.requests());
    }

    /**
     * Rescoring: the same join and scorer over the recorded requests and replies (those with a timestamp at or
     * after {@code fromMs}, all when null), but the scored answers stay inside the rescore application (an
     * internal repartition topic keyed target|item) instead of being written to {@code sycostream.eval.scored},
     * where the live pipeline would count them a second time.
     */
    public static KStream<String, ScoredAnswer> addRescoringTo(StreamsBuilder builder, Topics topics, Long fromMs) {
        return join(builder, topics, fromMs).scored().repartition(Repartitioned.<String, ScoredAnswer>as(RESCORED_REPARTITION)
                .withKeySerde(Serdes.String()).withValueSerde(topics.evalScored().valueSerde()));
    }

    /** Internal topic of a rescore run carrying its scored answers to its metrics ({@code <app id>-rescore-scored-repartition}). */
    public static final String RESCORED_REPARTITION = "rescore-scored";

    /** The join and the scorer; {@link Outputs#scored()} is the scorer's output, before the topic. */
    private static Outputs join(StreamsBuilder builder, Topics topics, Long fromMs) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCORED_IDS_STORE),
                Serdes.String(), Serdes.Long()));
        KTable<String, ModelRequest> requests = table(builder, topics.modelRequests(), "scoring-requests",
                REQUESTS_STORE, fromMs);
        KTable<String, ModelReply> replies = table(builder, topics.modelReplies(), "scoring-replies",
                REPLIES_STORE, fromMs);
        return new Outputs(requests.join(replies, RequestWithReply::new, Named.as("scoring-join-replies"))
                .toStream(Named.as("scoring-joined-stream"))
                .process(FirstReplyScorer::new, Named.as("scoring-first-reply"), SCORED_IDS_STORE), requests);
    }

    private static <V> KTable<String, V> table(StreamsBuilder builder, Topic<String, V> topic, String source,
                                               String store, Long fromMs) {
        // Caching is off on both tables: every request_id is written once, so a cache dedups nothing here, while
        // 10^5 requests and replies would fill the thread's cache and evict the metrics aggregates, which it is for
        // (the profile of `sycostream bench` showed eviction as the stream thread's largest cost).
        Materialized<String, V, KeyValueStore<Bytes, byte[]>> materialized =
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(Serdes.String()).withValueSerde(topic.valueSerde()).withCachingDisabled();
        if (fromMs == null) {
            return builder.table(topic.name(), topic.consumed(source), materialized);
        }
        // A fresh application starts at the offset of (start-up time - duration): start a day early to cover the
        // time between building and starting, then keep exactly the records stamped at or after fromMs
        // (timestamps need not grow with offsets).
        Duration back = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - fromMs)).plusDays(1);
        return builder.stream(topic.name(), topic.consumed(source).withOffsetResetPolicy(AutoOffsetReset.byDuration(back)))
                .processValues(() -> new SinceFilter<V>(fromMs), Named.as(source + "-since"))
                .toTable(Named.as(source + "-table"), materialized);
    }

    /** Drops records stamped before a time (their values become null and are then filtered out). */
    private static final class SinceFilter<V> implements FixedKeyProcessor<String, V, V> {
        private final long fromMs;
        private FixedKeyProcessorContext<String, V> context;

        SinceFilter(long fromMs) {
            this.fromMs = fromMs;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            if (record.timestamp() >= fromMs && record.value() != null) {
                context.forward(record);
            }
        }
    }
}
