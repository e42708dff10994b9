package dev.sycostream.drift;

import dev.sycostream.avro.BaselineCount;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.PinnedBaseline;
import dev.sycostream.keys.TaskMetricKey;
import dev.sycostream.metrics.MetricNames;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * A drift baseline pinned to another checkpoint's evaluation ({@code target add --drift-baseline T}): its cumulative
 * counts, taken once from {@code sycostream.metrics.results} when the probed target is registered, so the reference
 * does not move while the pinned checkpoint keeps being evaluated or probed.
 */
public final class PinnedBaselines {
    private PinnedBaselines() {
    }

    /**
     * @param results the latest results (any targets and windows); the cumulative ones of {@code targetId} are used
     * @throws IllegalArgumentException if {@code targetId} has no cumulative result
     */
    public static PinnedBaseline of(String targetId, Collection<MetricResult> results) {
        Map<String, BaselineCount> counts = new TreeMap<>();
        for (MetricResult r : results) {
            if (r.getTargetId().equals(targetId) && MetricNames.CUMULATIVE.equals(r.getWindow()) && r.getN() > 0) {
                counts.put(new TaskMetricKey(r.getTask(), r.getMetric()).encode(), new BaselineCount(r.getCount(), r.getN()));
            }
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("cannot pin the drift baseline to '" + targetId + "': it has no results in "
                    + "sycostream.metrics.results (is it evaluated? a target's id is NAME@CHECKPOINT)");
        }
        return new PinnedBaseline(targetId, counts);
    }
}
