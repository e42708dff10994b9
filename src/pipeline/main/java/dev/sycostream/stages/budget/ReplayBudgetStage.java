package dev.sycostream.stages.budget;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Map;

/**
 * Stage 13, hard caps on what a target's replay may cost ({@code target add --max-cost-usd}). The evaluation's
 * requests (fan-out and turn 2s; probes have budgets of their own) of a target without a cap go to
 * {@code sycostream.model.requests} as before. Those of a capped target are keyed by target and repartitioned to
 * one partition, where the gate sends a request only if its reservation (an upper bound of its cost) fits the cap
 * beside what is settled and reserved, and holds it otherwise; the target's scored answers, repartitioned to the same
 * single partition, settle their reservations at their real cost and release held requests. The ledgers go to
 * {@code sycostream.replay.spend}: what is spent, reserved, and left unevaluated. See {@link ReplayBudgetBook}.
 *
 * <p>One partition, like the probe schedule: a cap is one budget over all of a target's items, so one task decides.
 * Only capped targets' records go through it; the others never leave their partitions.
 */
public final class ReplayBudgetStage {
    public static final String LEDGER_STORE = "replay-budget-ledger-store";
    public static final String RESERVATIONS_STORE = "replay-budget-reservations-store";
    public static final String HELD_STORE = "replay-budget-held-store";
    /** Internal topic of the capped targets' scored answers. */
    public static final String ANSWERS_REPARTITION = "replay-budget-answers";
    static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(1);
    private static final String[] STORES = {LEDGER_STORE, RESERVATIONS_STORE, HELD_STORE};

    private ReplayBudgetStage() {
    }

    /**
     * @param requests   each source of evaluation requests (e.g. "prompts", "pushback"): its requests and the name of its
     *                   sink to {@code sycostream.model.requests} for uncapped targets (the name it had before this stage)
     * @param evaluation the scored answers of the stored items (no probes)
     */
    public static void addTo(StreamsBuilder builder, Topics topics, java.util.List<Source> requests,
                             KStream<String, ScoredAnswer> evaluation) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE),
                Serdes.String(), topics.replaySpend().valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RESERVATIONS_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_STORE),
                Serdes.String(), topics.modelRequests().valueSerde()));
        for (Source source : requests) {
            String name = source.name();
            var branches = split(source.requests().process(CappedTargetRouter::new, Named.as("replay-budget-route-" + name)),
                    "replay-budget-" + name + "-");
            branches.uncapped().to(topics.modelRequests().name(), topics.modelRequests().produced(source.sinkName()));
            gate(topics, branches.capped(), "replay-budget-" + name, topics.modelRequests().valueSerde());
        }
        var answers = split(evaluation
                .filter((k, a) -> a != null && !a.getRetracted(), Named.as("replay-budget-counted-answers"))
                .process(CappedTargetRouter::new, Named.as("replay-budget-route-answers")), "replay-budget-answers-");
        gate(topics, answers.capped(), ANSWERS_REPARTITION, topics.evalScored().valueSerde());
    }

    /** Where one source's requests went before: its stream and its sink's name. */
    public record Source(String name, KStream<String, ModelRequest> requests, String sinkName) {
    }

    private record Branches<V>(KStream<String, V> capped, KStream<String, V> uncapped) {
    }

    private static <V> Branches<V> split(KStream<String, V> routed, String prefix) {
        Map<String, KStream<String, V>> b = routed.split(Named.as(prefix))
                .branch((k, v) -> CappedTargetRouter.capped(k), Branched.as("capped"))
                .defaultBranch(Branched.as("uncapped"));
        return new Branches<>(b.get(prefix + "capped"), b.get(prefix + "uncapped"));
    }

    private static <V> void gate(Topics topics, KStream<String, V> capped, String name, Serde<V> serde) {
        KStream<String, SpecificRecord> out = capped
                .selectKey((k, v) -> k.substring(1), Named.as(name + "-by-target"))
                .repartition(Repartitioned.<String, V>as(name).withNumberOfPartitions(1)
                        .withKeySerde(Serdes.String()).withValueSerde(serde))
                .process(ReplayBudgetGate::new, Named.as(name + "-gate"), STORES);
        out.filter((k, v) -> v instanceof ModelRequest, Named.as(name + "-sent"))
                .mapValues(v -> (ModelRequest) v, Named.as(name + "-as-requests"))
                .to(topics.modelRequests().name(), topics.modelRequests().produced(name + "-requests-sink"));
        out.filter((k, v) -> v instanceof ReplaySpend, Named.as(name + "-ledgers"))
                .mapValues(v -> (ReplaySpend) v, Named.as(name + "-as-ledgers"))
                .to(topics.replaySpend().name(), topics.replaySpend().produced(name + "-spend-sink"));
    }
}
