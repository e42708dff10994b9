package dev.sycostream.stages.drift;

import dev.sycostream.drift.DriftAlerts;
import dev.sycostream.drift.DriftSettings;

import dev.sycostream.avro.DriftObservation;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.DriftState;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 9: {@code sycostream.eval.scored} (answers of probed targets) → {@code sycostream.drift}, and each drift
 * episode's start and end → {@code sycostream.alerts}. The baseline of a target × task × metric is the target's
 * evaluation of the stored items; the recent data are its probe answers; see {@link DriftCheck} for the test.
 */
public final class DriftStage {
    public static final String STATE_STORE = "drift-state-store";
    public static final String REPARTITION = "drift-by-key";

    private DriftStage() {
    }

    /** @param scored the stream of {@code sycostream.eval.scored}, shared with the other stages */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, ScoredAnswer> scored,
                             DriftSettings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), topics.valueSerde(DriftState.class)));
        KStream<String, DriftRecord> records = scored
                .process(DriftObservationExtractor::new, Named.as("drift-observations"))
                .repartition(Repartitioned.<String, DriftObservation>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.valueSerde(DriftObservation.class)))
                .process(() -> new DriftDetector(settings), Named.as("drift-detect"), STATE_STORE);
        records.to(topics.drift().name(), topics.drift().produced("drift-sink"));
        records.filter((k, r) -> !"update".equals(r.getEvent()), Named.as("drift-episode-edges"))
                .map((k, r) -> org.apache.kafka.streams.KeyValue.pair(DriftAlerts.key(r), DriftAlerts.of(r)),
                        Named.as("drift-to-alert"))
                .to(topics.alerts().name(), topics.alerts().produced("drift-alerts-sink"));
    }
}
