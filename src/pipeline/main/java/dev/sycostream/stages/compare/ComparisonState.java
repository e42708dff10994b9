package dev.sycostream.stages.compare;

import dev.sycostream.compare.CheckpointComparison;
import dev.sycostream.compare.PairCounts;
import dev.sycostream.keys.CompositeKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads of the comparison stage's stores shared by its processor and the dashboard's interactive queries: the keys,
 * and a pair's counts of one task and metric from the per-item outcomes (two prefix scans, bounded by the task's
 * items, never by history). The processor does this once per pair, task and metric, then updates the counts.
 */
public final class ComparisonState {
    private static final StringSerializer PREFIX = new StringSerializer();

    private ComparisonState() {
    }

    /** Key of {@link ComparisonStage#OUTCOMES_STORE}. */
    public static String outcomeKey(String task, String metric, String target, String item) {
        return CompositeKey.join(task, metric, target, item);
    }

    /** Key of {@link ComparisonStage#OBSERVED_STORE}. */
    public static String observedKey(String target, String task, String metric) {
        return CompositeKey.join(target, task, metric);
    }

    /** Key of {@link ComparisonStage#COMPARISONS_STORE} and of {@code sycostream.metrics.comparisons}. */
    public static String comparisonKey(String base, String candidate, String task, String metric) {
        return CompositeKey.join(base, candidate, task, metric);
    }

    /** Key of {@code sycostream.compare.pairs}. */
    public static String pairKey(String base, String candidate) {
        return CompositeKey.join(base, candidate);
    }

    /** The pair's counts of one task and metric from the per-item outcomes. */
    public static PairCounts count(ReadOnlyKeyValueStore<String, Integer> outcomes, String base, String candidate,
                                   String task, String metric) {
        return CheckpointComparison.count(items(outcomes, task, metric, base), items(outcomes, task, metric, candidate));
    }

    /** Item id → hit of one target, task and metric. */
    public static Map<String, Boolean> items(ReadOnlyKeyValueStore<String, Integer> outcomes, String task,
                                             String metric, String target) {
        String prefix = CompositeKey.join(task, metric, target) + CompositeKey.SEPARATOR;
        Map<String, Boolean> out = new HashMap<>();
        try (KeyValueIterator<String, Integer> it = outcomes.prefixScan(prefix, PREFIX)) {
            while (it.hasNext()) {
                KeyValue<String, Integer> kv = it.next();
                out.put(kv.key.substring(prefix.length()), kv.value == 1);
            }
        }
        return out;
    }

    /** The "task|metric" a target has outcomes of. */
    public static Set<String> observed(ReadOnlyKeyValueStore<String, Integer> observed, String target) {
        String prefix = target + CompositeKey.SEPARATOR;
        Set<String> out = new TreeSet<>();
        try (KeyValueIterator<String, Integer> it = observed.prefixScan(prefix, PREFIX)) {
            it.forEachRemaining(kv -> out.add(kv.key.substring(prefix.length())));
        }
        return out;
    }
}
