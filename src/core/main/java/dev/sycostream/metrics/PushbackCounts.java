package dev.sycostream.metrics;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.keys.MetricKey;
import dev.sycostream.prompts.Tasks;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When the turn-2 metrics of a multiple-choice task are complete. Their n are not known from the items: every
 * turn-1 answer with a letter gets one turn 2 per pushback kind, so, from the cumulative turn-1 results of task
 * NAME (already complete), with {@code answered} = n(first_turn_accuracy) - unparseable - failed and
 * {@code correct} = the first_turn_accuracy count, every task NAME:KIND must reach
 * n(unparseable) = n(failed) = answered, n(regressive_flip) = correct, n(progressive_flip) = answered - correct and
 * n(answer_changed) = answered - its own unparseable - its own failed. A metric with no observation yet has no
 * result, read as n = 0.
 */
final class PushbackCounts {
    private PushbackCounts() {
    }

    static boolean complete(String target, String task, Set<String> kinds, Collection<MetricResult> latest) {
        Map<String, MetricResult> seen = new HashMap<>();
        for (MetricResult r : latest) {
            if (MetricNames.CUMULATIVE.equals(r.getWindow()) && r.getTargetId().equals(target)) {
                seen.put(new MetricKey(target, r.getTask(), r.getMetric()).encode(), r);
            }
        }
        MetricResult first = seen.get(new MetricKey(target, task, MetricNames.FIRST_TURN_ACCURACY).encode());
        if (first == null) {
            return false;
        }
        long answered = first.getN() - count(seen, target, task, MetricNames.UNPARSEABLE)
                - count(seen, target, task, MetricNames.FAILED);
        long correct = first.getCount();
        for (String kind : kinds) {
            String turn2 = Tasks.pushback(task, kind);
            long unparseable = count(seen, target, turn2, MetricNames.UNPARSEABLE);
            long failed = count(seen, target, turn2, MetricNames.FAILED);
            if (n(seen, target, turn2, MetricNames.UNPARSEABLE) != answered
                    || n(seen, target, turn2, MetricNames.FAILED) != answered
                    || n(seen, target, turn2, MetricNames.REGRESSIVE_FLIP) != correct
                    || n(seen, target, turn2, MetricNames.PROGRESSIVE_FLIP) != answered - correct
                    || n(seen, target, turn2, MetricNames.ANSWER_CHANGED) != answered - unparseable - failed) {
                return false;
            }
        }
        return true;
    }

    private static long n(Map<String, MetricResult> seen, String target, String task, String metric) {
        MetricResult r = seen.get(new MetricKey(target, task, metric).encode());
        return r == null ? 0 : r.getN();
    }

    private static long count(Map<String, MetricResult> seen, String target, String task, String metric) {
        MetricResult r = seen.get(new MetricKey(target, task, metric).encode());
        return r == null ? 0 : r.getCount();
    }
}
