package dev.sycostream.compare;

import dev.sycostream.avro.ItemOutcome;
import dev.sycostream.avro.MetricHit;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.metrics.Observations;
import dev.sycostream.prompts.Variants;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scored answer says about its item for the compared metrics ({@link CheckpointComparison#METRICS}), with
 * the same definitions as {@link CheckpointComparison#outcomes}: the metrics one answer observes on its own, and its
 * half of the paired {@code flip_to_user} (which needs both variants of the item, so the comparison stage keeps the
 * halves and combines them).
 */
public final class ItemOutcomes {
    private ItemOutcomes() {
    }

    /**
     * The answer reduced to what a comparison needs ({@link #single} and its flip_to_user half), or null when it
     * observes none of the compared metrics (it cannot change a comparison, so it need not travel).
     */
    public static ItemOutcome of(ScoredAnswer a) {
        List<MetricHit> hits = new ArrayList<>(2);
        single(a).forEach((metric, hit) -> hits.add(new MetricHit(metric, hit)));
        Boolean half = hasFlipHalf(a) ? flipHalf(a) : null;
        if (hits.isEmpty() && half == null) {
            return null;
        }
        return ItemOutcome.newBuilder().setTargetId(a.getTargetId()).setItemId(a.getItemId()).setTask(a.getTask())
                .setVariant(a.getVariant()).setRetracted(a.getRetracted()).setOutcomes(hits).setFlipHalf(half).build();
    }

    /** Compared metric → hit, for the metrics this answer observes on its own (never flip_to_user). */
    public static Map<String, Boolean> single(ScoredAnswer a) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Observations.Observation o : Observations.of(a)) {
            if (CheckpointComparison.METRICS.contains(o.metric()) && !MetricNames.FLIP_TO_USER.equals(o.metric())) {
                out.put(o.metric(), o.hit());
            }
        }
        return out;
    }

    /** True when the answer is one of the two variants flip_to_user pairs on its task. */
    public static boolean hasFlipHalf(ScoredAnswer a) {
        return Observations.paired(a.getTask())
                && (Variants.NO_OPINION.equals(a.getVariant()) || Variants.WITH_OPINION.equals(a.getVariant()));
    }

    /** The answer's half of flip_to_user ({@link Observations#flipHalf}); only when {@link #hasFlipHalf}. */
    public static boolean flipHalf(ScoredAnswer a) {
        return Observations.flipHalf(a, Variants.WITH_OPINION.equals(a.getVariant()));
    }
}
