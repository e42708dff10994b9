package dev.sycostream.stages.compare;

import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ComparisonPair;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ItemOutcome;
import dev.sycostream.avro.MetricHit;
import dev.sycostream.compare.CheckpointComparison;
import dev.sycostream.compare.PairCounts;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.Variants;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Objects;

/**
 * One evaluation answer, as its item's outcomes ({@code ItemOutcome}, key: its task) → those outcomes in
 * {@link ComparisonStage#OUTCOMES_STORE}, then, for every registered pair the answer's target is part of, the comparisons of the changed metrics, updated in place and
 * forwarded to {@code sycostream.metrics.comparisons}. A retracted answer takes its outcomes back out, so it leaves
 * every count exactly as if it had never been counted.
 *
 * <p>The work per answer does not grow with history: a point read and write per changed metric, one point read of
 * the other target's outcome per pair, and the read of the (few) targets and pairs. The first time a pair meets a
 * task and metric, its counts are taken once from the outcomes (two prefix scans over that task's items).
 */
final class ComparisonUpdater implements Processor<String, ItemOutcome, String, SpecificRecord> {
    /** One item's outcome of one metric, before and after the answer (null: none). */
    private record Change(String metric, Boolean before, Boolean after) {
    }

    private ProcessorContext<String, SpecificRecord> context;
    /** Default pairs written to sycostream.compare.pairs by this task (the global store lags a little behind). */
    private final Set<String> announced = new HashSet<>();
    private KeyValueStore<String, Integer> outcomes;
    private KeyValueStore<String, Integer> flipHalves;
    private KeyValueStore<String, Integer> observed;
    private KeyValueStore<String, Comparison> comparisons;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;
    private ReadOnlyKeyValueStore<String, ComparisonPair> pairs;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        outcomes = context.getStateStore(ComparisonStage.OUTCOMES_STORE);
        flipHalves = context.getStateStore(ComparisonStage.FLIP_HALVES_STORE);
        observed = context.getStateStore(ComparisonStage.OBSERVED_STORE);
        comparisons = context.getStateStore(ComparisonStage.COMPARISONS_STORE);
        targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
        pairs = context.getStateStore(ComparisonStage.PAIRS_STORE);
    }

    @Override
    public void process(Record<String, ItemOutcome> record) {
        ItemOutcome a = record.value();
        boolean retracted = a.getRetracted();
        List<Change> changes = new ArrayList<>(2);
        for (MetricHit h : a.getOutcomes()) {
            set(a, h.getMetric(), retracted ? null : h.getHit(), changes);
        }
        if (a.getFlipHalf() != null) {
            String half = CompositeKey.join(a.getTask(), a.getTargetId(), a.getItemId(), a.getVariant());
            if (retracted) {
                flipHalves.delete(half);
            } else {
                flipHalves.put(half, a.getFlipHalf() ? 1 : 0);
            }
            Integer without = flipHalves.get(CompositeKey.join(a.getTask(), a.getTargetId(), a.getItemId(), Variants.NO_OPINION));
            Integer with = flipHalves.get(CompositeKey.join(a.getTask(), a.getTargetId(), a.getItemId(), Variants.WITH_OPINION));
            set(a, MetricNames.FLIP_TO_USER, without == null || with == null ? null : without == 1 && with == 1, changes);
        }
        if (changes.isEmpty()) {
            return;
        }
        for (PairDirectory.Pair pair : PairDirectory.pairsOf(a.getTargetId(), targets, pairs)) {
            announce(pair, record);
            for (Change change : changes) {
                update(pair, a, change, record);
            }
        }
    }

    private void announce(PairDirectory.Pair pair, Record<String, ItemOutcome> record) {
        String key = ComparisonState.pairKey(pair.base(), pair.candidate());
        if (!announced.contains(key) && pairs.get(key) == null) {
            announced.add(key);
            context.forward(record.withKey(key).withValue(ComparisonPair.newBuilder().setBaseTarget(pair.base())
                    .setCandidateTarget(pair.candidate()).setRegisteredAtMs(record.timestamp())
                    .setRegisteredBy("default").build()));
        }
    }

    /** Writes the item's new outcome of a metric; records the change if there is one. */
    private void set(ItemOutcome a, String metric, Boolean after, List<Change> changes) {
        String key = ComparisonState.outcomeKey(a.getTask(), metric, a.getTargetId(), a.getItemId());
        Integer stored = outcomes.get(key);
        Boolean before = stored == null ? null : stored == 1;
        if (Objects.equals(before, after)) {
            return;
        }
        if (after == null) {
            outcomes.delete(key);
        } else {
            outcomes.put(key, after ? 1 : 0);
            String seen = ComparisonState.observedKey(a.getTargetId(), a.getTask(), metric);
            if (observed.get(seen) == null) {
                observed.put(seen, 1);
            }
        }
        changes.add(new Change(metric, before, after));
    }

    private void update(PairDirectory.Pair pair, ItemOutcome a, Change change, Record<String, ItemOutcome> record) {
        String key = ComparisonState.comparisonKey(pair.base(), pair.candidate(), a.getTask(), change.metric());
        Comparison current = comparisons.get(key);
        PairCounts counts;
        if (current == null) {
            // first time this pair meets this task and metric: count once from the outcomes (the change included)
            counts = ComparisonState.count(outcomes, pair.base(), pair.candidate(), a.getTask(), change.metric());
        } else {
            boolean isBase = pair.base().equals(a.getTargetId());
            String other = isBase ? pair.candidate() : pair.base();
            Integer o = outcomes.get(ComparisonState.outcomeKey(a.getTask(), change.metric(), other, a.getItemId()));
            counts = PairCounts.of(current).withChange(isBase, change.before(), change.after(), o == null ? null : o == 1);
        }
        Comparison next = CheckpointComparison.of(pair.base(), pair.candidate(), a.getTask(), change.metric(), counts,
                ComparisonStage.ALPHA, record.timestamp());
        comparisons.put(key, next);
        if (counts.bothObserved()) {
            context.forward(record.withKey(key).withValue(next));
        } else if (current != null && PairCounts.of(current).bothObserved()) {
            context.forward(record.withKey(key).withValue(null)); // every answer of one side taken back
        }
    }
}
