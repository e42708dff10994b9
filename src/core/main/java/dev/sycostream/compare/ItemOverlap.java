package dev.sycostream.compare;

import dev.sycostream.avro.ScoredAnswer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How many items two targets share, per task: the paired tests compare only the items both answered, so a
 * comparison of checkpoints that saw different datasets (another file, a replaced file) says how much it rests on.
 */
public final class ItemOverlap {
    /** Per task: distinct items each target has answers for, and how many of them both have. */
    public record TaskOverlap(String task, long baseItems, long candidateItems, long shared) {
    }

    private ItemOverlap() {
    }

    public static List<TaskOverlap> of(Collection<ScoredAnswer> base, Collection<ScoredAnswer> candidate) {
        Map<String, Set<String>> b = itemsByTask(base);
        Map<String, Set<String>> c = itemsByTask(candidate);
        Set<String> tasks = new java.util.TreeSet<>(b.keySet());
        tasks.addAll(c.keySet());
        List<TaskOverlap> out = new ArrayList<>();
        for (String task : tasks) {
            Set<String> bi = b.getOrDefault(task, Set.of());
            Set<String> ci = c.getOrDefault(task, Set.of());
            long shared = bi.stream().filter(ci::contains).count();
            out.add(new TaskOverlap(task, bi.size(), ci.size(), shared));
        }
        return out;
    }

    /**
     * The overlap as the comparisons show it, per task the largest over its compared metrics: items with an outcome
     * for the base, for the candidate, and paired (what {@code compare} prints when it asks the pipeline's state).
     */
    public static List<TaskOverlap> of(List<dev.sycostream.avro.Comparison> comparisons) {
        Map<String, TaskOverlap> out = new TreeMap<>();
        for (var c : comparisons) {
            out.merge(c.getTask(), new TaskOverlap(c.getTask(), c.getBaseN(), c.getCandidateN(), c.getPairedN()),
                    (a, b) -> new TaskOverlap(a.task(), Math.max(a.baseItems(), b.baseItems()),
                            Math.max(a.candidateItems(), b.candidateItems()), Math.max(a.shared(), b.shared())));
        }
        return new ArrayList<>(out.values());
    }

    /** One line per task, for people. */
    public static String describe(String base, String candidate, List<TaskOverlap> overlap) {
        StringBuilder sb = new StringBuilder("items answered by both (only these are paired):\n");
        for (TaskOverlap o : overlap) {
            sb.append("  ").append(o.task()).append(": ").append(o.shared()).append(" shared; ")
                    .append(base).append(' ').append(o.baseItems()).append(", ")
                    .append(candidate).append(' ').append(o.candidateItems()).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, Set<String>> itemsByTask(Collection<ScoredAnswer> answers) {
        Map<String, Set<String>> out = new TreeMap<>();
        answers.forEach(a -> out.computeIfAbsent(a.getTask(), t -> new HashSet<>()).add(a.getItemId()));
        return out;
    }
}
