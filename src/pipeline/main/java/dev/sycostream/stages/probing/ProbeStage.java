package dev.sycostream.stages.probing;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeLedgerState;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.probing.LegacyProbeLedgerText;
import dev.sycostream.serde.AvroOrLegacyTextSerde;
import dev.sycostream.avro.ProbeSpend;
import dev.sycostream.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * Stage 8, continuous probing: {@code sycostream.datasets.raw} + the targets' probe budgets →
 * probe requests on {@code sycostream.model.requests} and one {@code sycostream.probe.rounds} record per round;
 * see {@link ProbeScheduler}. The items are repartitioned to one partition ({@value #ITEMS_REPARTITION}) so a
 * single task holds the whole pool and enforces each target's budget alone.
 */
public final class ProbeStage {
    public static final String ITEMS_REPARTITION = "probing-items";
    public static final String POOL_STORE = "probing-pool-store";
    public static final String ITEM_TASKS_STORE = "probing-item-tasks-store";
    public static final String LEDGER_STORE = "probing-ledger-store";
    public static final String CURSOR_STORE = "probing-cursor-store";
    /** Spend ledgers of targets with a spend budget (reservations and settlements), see {@link ProbeSpendGate}. */
    public static final String SPEND_STORE = "probing-spend-store";
    /** Probe answers keyed by target on one partition, so their settlement runs in the scheduler's task. */
    public static final String SPEND_REPARTITION = "probing-spend";

    /** @param tick how often (wall clock) the schedule checks whether a target's next round is due */
    public record Settings(Duration tick) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1));
    }

    private ProbeStage() {
    }

    /** The scored answers of the evaluation of stored items, without probe answers. */
    public static KStream<String, dev.sycostream.avro.ScoredAnswer> evaluationOnly(KStream<String, dev.sycostream.avro.ScoredAnswer> scored) {
        return scored.filter((k, a) -> a == null || a.getProbeRound() == null, Named.as("evaluation-answers-only"));
    }

    /**
     * Settlement of spend budgets: the scored probe answers, keyed by target and repartitioned to one partition
     * ({@value #SPEND_REPARTITION}), update the ledgers of {@value #SPEND_STORE} in the scheduler's task. Call after
     * {@link #addTo}.
     *
     * @param scored the stream of {@code sycostream.eval.scored}, shared with the other stages
     */
    public static void addSettlementTo(Topics topics, KStream<String, dev.sycostream.avro.ScoredAnswer> scored) {
        scored.filter((k, a) -> a != null && a.getProbeRound() != null, Named.as("probing-spend-answers"))
                .selectKey((k, a) -> a.getTargetId(), Named.as("probing-spend-by-target"))
                .repartition(Repartitioned.<String, dev.sycostream.avro.ScoredAnswer>as(SPEND_REPARTITION)
                        .withNumberOfPartitions(1).withKeySerde(Serdes.String())
                        .withValueSerde(topics.evalScored().valueSerde()))
                .process(SpendSettler::new, Named.as("probing-spend-settle"), SPEND_STORE);
    }

    /** @param items the stream of {@code sycostream.datasets.raw}, shared with the other stages */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, DatasetItem> items, Settings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POOL_STORE),
                Serdes.String(), topics.datasetsRaw().valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEM_TASKS_STORE),
                Serdes.String(), Serdes.String()));
        // Avro values; the text values of versions before them are still read (the store name is unchanged)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE),
                Serdes.String(), ledgerSerde(topics)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CURSOR_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SPEND_STORE),
                Serdes.String(), topics.valueSerde(ProbeSpend.class)));
        KStream<String, SpecificRecord> out = items
                .repartition(Repartitioned.<String, DatasetItem>as(ITEMS_REPARTITION).withNumberOfPartitions(1)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.datasetsRaw().valueSerde()))
                .process(() -> new ProbeScheduler(settings), Named.as("probing-scheduler"),
                        POOL_STORE, ITEM_TASKS_STORE, LEDGER_STORE, CURSOR_STORE, SPEND_STORE);
        out.filter((k, v) -> v instanceof ModelRequest, Named.as("probing-requests"))
                .mapValues(v -> (ModelRequest) v, Named.as("probing-as-requests"))
                .to(topics.modelRequests().name(), topics.modelRequests().produced("probing-requests-sink"));
        out.filter((k, v) -> v instanceof ProbeRound, Named.as("probing-rounds"))
                .mapValues(v -> (ProbeRound) v, Named.as("probing-as-rounds"))
                .to(topics.probeRounds().name(), topics.probeRounds().produced("probing-rounds-sink"));
    }

    /** The value serde of {@link #LEDGER_STORE}: writes {@link ProbeLedgerState}, reads it or the legacy text. */
    static Serde<ProbeLedgerState> ledgerSerde(Topics topics) {
        return new AvroOrLegacyTextSerde<>(topics.valueSerde(ProbeLedgerState.class), LegacyProbeLedgerText::parse);
    }
}
