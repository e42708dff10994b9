package dev.sycostream.compare;

import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.metrics.Observations;
import dev.sycostream.prompts.Variants;

import java.util.LinkedHashMap;
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
