package dev.sycostream.stages.compare;

import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ComparisonPair;
import dev.sycostream.avro.ItemOutcome;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.compare.ItemOutcomes;
import org.apache.avro.specific.SpecificRecord;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 11, checkpoint comparison as answers arrive: the evaluation answers of {@code sycostream.eval.scored} →
 * per-item outcomes → the comparisons of the registered pairs → {@code sycostream.metrics.comparisons} (compacted, key
 * {@code base|candidate|task|metric}), with the statistics of {@link dev.sycostream.compare.CheckpointComparison}.
 *
 * <p><b>Partitioning.</b> The answers, reduced to their items' outcomes ({@code ItemOutcome}), are repartitioned by task ({@value #REPARTITION}): a comparison pairs two
 * targets item by item, so both targets' outcomes of an item must be in one task's store, and a pair's
 * comparison of one task and metric needs all of that task's items in one place (its counts are one record, updated
 * in place). Keyed by target|item (the topic's key) the two targets of an item would be on different partitions;
 * keyed by task|item the counts of a pair would be spread over every partition and need a second aggregation. By
 * task, one answer updates one store and the pair's record next to it. The price is parallelism: a task's
 * comparisons run on one stream thread (the work per answer is a few point reads and writes, see {@link
 * ComparisonUpdater}; the evaluation has a handful of tasks).
 *
 * <p><b>Stores</b> (all changelogged, so the state survives a restart and moves with its task):
 * <ul>
 *   <li>{@value #OUTCOMES_STORE}: {@code task|metric|target|item} → 1 (hit) or 0. A pair's items of one task and
 *       metric are the prefix {@code task|metric|target|} of each target: two prefix scans, never a full scan.</li>
 *   <li>{@value #FLIP_HALVES_STORE}: {@code task|target|item|variant} → each variant's half of flip_to_user.</li>
 *   <li>{@value #OBSERVED_STORE}: {@code target|task|metric} → 1 once the target has an outcome there: which task and
 *       metric a pair has in common, without scanning the outcomes.</li>
 *   <li>{@value #COMPARISONS_STORE}: {@code base|candidate|task|metric} → the latest {@code Comparison}, the counts it
 *       is updated from.</li>
 *   <li>{@value #PAIRS_STORE}: a global store of {@code sycostream.compare.pairs}, the pairs asked for.</li>
 * </ul>
 * Registered pairs are those of {@value #PAIRS_STORE} and, by default, each target against the previous checkpoint of
 * the same model ({@link PairDirectory}); a default pair is written to {@code sycostream.compare.pairs} the first time
 * the stage meets it, so a pair, once registered, stays registered (its comparison record is then never stale).
 */
public final class ComparisonStage {
    public static final String OUTCOMES_STORE = "compare-outcomes-store";
    public static final String FLIP_HALVES_STORE = "compare-flip-halves-store";
    public static final String OBSERVED_STORE = "compare-observed-store";
    public static final String COMPARISONS_STORE = "compare-comparisons-store";
    public static final String PAIRS_STORE = "compare-pairs-global-store";
    public static final String REPARTITION = "compare-outcomes-by-task";
    /** The significance level of the published verdicts; a query at another alpha re-judges the same p-value. */
    public static final double ALPHA = 0.05;

    private ComparisonStage() {
    }

    /** @param evaluation the evaluation answers of {@code sycostream.eval.scored} (no probe answers) */
    public static void addTo(StreamsBuilder builder, Topics topics, KStream<String, ScoredAnswer> evaluation) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAIRS_STORE),
                                Serdes.String(), topics.comparePairs().valueSerde())
                        .withLoggingDisabled(), // a global store is restored from its source topic
                topics.comparePairs().name(),
                topics.comparePairs().consumed("compare-pairs"),
                PairsStoreUpdater::new);
        for (String store : new String[]{OUTCOMES_STORE, FLIP_HALVES_STORE, OBSERVED_STORE}) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                    Serdes.String(), Serdes.Integer()));
        }
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COMPARISONS_STORE),
                Serdes.String(), topics.metricsComparisons().valueSerde()));
        // reduced to the item's outcomes before the repartition: the topic then carries ids and metric names per
        // answer instead of the whole ScoredAnswer (reply text, first turn), and answers that observe no compared
        // metric do not travel at all
        KStream<String, SpecificRecord> out = evaluation.filter((k, a) -> a != null, Named.as("compare-answers"))
                .mapValues(ItemOutcomes::of, Named.as("compare-item-outcomes"))
                .filter((k, o) -> o != null, Named.as("compare-observing-answers"))
                .selectKey((k, o) -> o.getTask(), Named.as("compare-key-by-task"))
                .repartition(Repartitioned.<String, ItemOutcome>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.valueSerde(ItemOutcome.class)))
                .process(ComparisonUpdater::new, Named.as("compare-update"),
                        OUTCOMES_STORE, FLIP_HALVES_STORE, OBSERVED_STORE, COMPARISONS_STORE);
        // comparisons (a null value: every answer of one side taken back) → the compacted comparisons topic
        out.filter((k, v) -> !(v instanceof ComparisonPair), Named.as("compare-comparisons"))
                .mapValues(v -> (Comparison) v, Named.as("compare-comparison-values"))
                .to(topics.metricsComparisons().name(), topics.metricsComparisons().produced("compare-comparisons-sink"));
        // a default pair met for the first time is registered like an asked one, so it stays registered (and its
        // comparison current) even if the targets' order changes later (a target registered again)
        out.filter((k, v) -> v instanceof ComparisonPair, Named.as("compare-default-pairs"))
                .mapValues(v -> (ComparisonPair) v, Named.as("compare-default-pair-values"))
                .to(topics.comparePairs().name(), topics.comparePairs().produced("compare-pairs-sink"));
    }
}
