package dev.sycostream.scoring;

import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
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

    /** @return the scored answers as written to {@code sycostream.eval.scored}, for the stages that read them */
    public static KStream<String, ScoredAnswer> addTo(StreamsBuilder builder, Topics topics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCORED_IDS_STORE),
                Serdes.String(), Serdes.Long()));

        // Caching is off on both tables: every request_id is written once, so a cache dedups nothing here, while
        // 10^5 requests and replies would fill the thread's cache and evict the metrics aggregates, which it is for
        // (the profile of `sycostream bench` showed eviction as the stream thread's largest cost).
        KTable<String, ModelRequest> requests = builder.table(topics.modelRequests().name(),
                topics.modelRequests().consumed("scoring-requests"),
                Materialized.<String, ModelRequest, KeyValueStore<Bytes, byte[]>>as(REQUESTS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.modelRequests().valueSerde())
                        .withCachingDisabled());
        KTable<String, ModelReply> replies = builder.table(topics.modelReplies().name(),
                topics.modelReplies().consumed("scoring-replies"),
                Materialized.<String, ModelReply, KeyValueStore<Bytes, byte[]>>as(REPLIES_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.modelReplies().valueSerde())
                        .withCachingDisabled());

        requests.join(replies, ScoredPair::new, Named.as("scoring-join-replies"))
                .toStream(Named.as("scoring-joined-stream"))
                .process(FirstReplyScorer::new, Named.as("scoring-first-reply"), SCORED_IDS_STORE)
                .to(topics.evalScored().name(), topics.evalScored().produced("scoring-scored-sink"));
        // Downstream stages read the topic back rather than the in-memory stream: metrics and training are then
        // separate sub-topologies, re-partitioned by the topic's key (target|item), and can be replayed from it.
        return builder.stream(topics.evalScored().name(), topics.evalScored().consumed("scored-source"));
    }
}
