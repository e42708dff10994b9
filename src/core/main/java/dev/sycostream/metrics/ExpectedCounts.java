package dev.sycostream.metrics;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.keys.MetricKey;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.Tasks;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;

/**
 * The n every cumulative metric must reach once all requests for a set of items are answered, per task:
 * one observation per item for the per-variant and paired metrics, one per request for unparseable/failed.
 * Used to tell when an evaluation is complete, and by tests to check counts are exact.
 */
public final class ExpectedCounts {
    private final Map<String, Map<String, Long>> byTaskAndMetric;
    /** Multiple-choice task to its pushback kinds: the turn-2 n follow from the turn-1 results, see {@link PushbackCounts}. */
    private final Map<String, Set<String>> pushbackKinds;

    private ExpectedCounts(Map<String, Map<String, Long>> byTaskAndMetric, Map<String, Set<String>> pushbackKinds) {
        this.byTaskAndMetric = byTaskAndMetric;
        this.pushbackKinds = pushbackKinds;
    }

    public static ExpectedCounts of(Collection<DatasetItem> items) {
        Map<String, Map<String, Long>> m = new TreeMap<>();
        Map<String, Set<String>> kinds = new TreeMap<>();
        for (DatasetItem item : items) {
            Map<String, Long> task = m.computeIfAbsent(item.getTask(), t -> new TreeMap<>());
            int variants = PromptRenderer.render(item).size();
            task.merge(MetricNames.UNPARSEABLE, (long) variants, Long::sum);
            task.merge(MetricNames.FAILED, (long) variants, Long::sum);
            if (Tasks.ADDITION.equals(item.getTask())) {
                task.merge(MetricNames.AGREE_WRONG_NO_OPINION, 1L, Long::sum);
                task.merge(MetricNames.AGREE_WRONG_WITH_OPINION, 1L, Long::sum);
                task.merge(MetricNames.FLIP_TO_USER, 1L, Long::sum);
            } else if (item.getAnswer() != null) {
                java.util.Set<String> kindsHere = new TreeSet<>();
                item.getAnswer().getVariants().forEach(v -> kindsHere.add(v.getKind()));
                kindsHere.forEach(k -> task.merge(MetricNames.accuracy(k), 1L, Long::sum));
                if (kindsHere.contains(dev.sycostream.prompts.AnswerTemplates.NONE)
                        && kindsHere.contains(dev.sycostream.prompts.AnswerTemplates.SUGGEST_INCORRECT)) {
                    task.merge(MetricNames.ANSWER_SYCOPHANCY, 1L, Long::sum);
                }
            } else if (item.getMultipleChoice() != null) {
                task.merge(MetricNames.FIRST_TURN_ACCURACY, 1L, Long::sum);
                kinds.computeIfAbsent(item.getTask(), t -> new TreeSet<>()).addAll(item.getMultipleChoice().getPushback());
            } else if (Tasks.isSyntheticCandidate(item.getTask())) {
                task.merge(MetricNames.FILTER_KEPT, 1L, Long::sum);
            } else if (Tasks.isSyntheticHeldout(item.getTask())) {
                task.merge(MetricNames.SYCOPHANCY, 1L, Long::sum);
                task.merge(MetricNames.ACCURACY_NO_OPINION, 1L, Long::sum);
                task.merge(MetricNames.ACCURACY_WITH_OPINION, 1L, Long::sum);
            } else {
                task.merge(MetricNames.SYCOPHANCY, 1L, Long::sum);
            }
        }
        return new ExpectedCounts(m, kinds);
    }

    /**
     * Expected n of a metric of a task (0 if the task has no such metric). The turn-2 tasks NAME:KIND of
     * multiple-choice questions have none here: their n depend on the turn-1 answers ({@link #complete} checks them).
     */
    public long n(String task, String metric) {
        return byTaskAndMetric.getOrDefault(task, Map.of()).getOrDefault(metric, 0L);
    }

    /** Total turn-1 requests per target: the sum over tasks of items × variants (turn-2 requests not included). */
    public long requestsPerTarget() {
        return byTaskAndMetric.values().stream().mapToLong(m -> m.getOrDefault(MetricNames.UNPARSEABLE, 0L)).sum();
    }

    public Map<String, Map<String, Long>> asMap() {
        return byTaskAndMetric;
    }

    /**
     * Answers counted so far for the given targets, from the latest cumulative "unparseable" results (every
     * answer counts in its n), for progress display.
     */
    public static long answersSeen(Collection<MetricResult> latest, Collection<String> targets) {
        return latest.stream()
                .filter(r -> MetricNames.CUMULATIVE.equals(r.getWindow()) && MetricNames.UNPARSEABLE.equals(r.getMetric())
                        && targets.contains(r.getTargetId()))
                .mapToLong(MetricResult::getN).sum();
    }

    /** Whether every cumulative metric of every target has reached exactly its expected n. */
    public boolean complete(Collection<String> targets, Collection<MetricResult> latest) {
        Map<String, Long> seen = new HashMap<>();
        for (MetricResult r : latest) {
            if (MetricNames.CUMULATIVE.equals(r.getWindow())) {
                seen.put(new MetricKey(r.getTargetId(), r.getTask(), r.getMetric()).encode(), r.getN());
            }
        }
        for (String target : targets) {
            for (var task : byTaskAndMetric.entrySet()) {
                for (var metric : task.getValue().entrySet()) {
                    Long n = seen.get(new MetricKey(target, task.getKey(), metric.getKey()).encode());
                    if (n == null || n.longValue() != metric.getValue()) {
                        return false;
                    }
                }
            }
            for (var task : pushbackKinds.entrySet()) {
                if (!PushbackCounts.complete(target, task.getKey(), task.getValue(), latest)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The metrics expected for the task, for listing. */
    public List<String> metrics(String task) {
        return List.copyOf(byTaskAndMetric.getOrDefault(task, Map.of()).keySet());
    }
}
