package dev.sycostream.stages.compare;

import dev.sycostream.avro.ComparisonPair;
import dev.sycostream.avro.EvalTarget;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The registered pairs a target is part of: each checkpoint against the previous checkpoint of the same model name
 * (the target registered just before it with the same {@code model}, by {@code registered_at_ms}, then target id),
 * and every pair asked for through the API or the CLI (the global store of {@code sycostream.compare.pairs}). Both
 * stores hold a few records (targets, pairs), so reading them per answer is cheap and always current.
 */
final class PairDirectory {
    /** A compared pair: the reference checkpoint and the one judged against it. */
    record Pair(String base, String candidate) {
    }

    private static final Comparator<EvalTarget> REGISTRATION_ORDER = Comparator
            .comparingLong(EvalTarget::getRegisteredAtMs).thenComparing(EvalTarget::getTargetId);

    private PairDirectory() {
    }

    static Set<Pair> pairsOf(String target, ReadOnlyKeyValueStore<String, EvalTarget> targets,
                             ReadOnlyKeyValueStore<String, ComparisonPair> pairs) {
        Set<Pair> out = new LinkedHashSet<>();
        EvalTarget me = targets.get(target);
        if (me != null) {
            List<EvalTarget> sameModel = new ArrayList<>();
            try (KeyValueIterator<String, EvalTarget> it = targets.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.value != null && kv.value.getModel().equals(me.getModel())) {
                        sameModel.add(kv.value);
                    }
                });
            }
            sameModel.sort(REGISTRATION_ORDER);
            int i = indexOf(sameModel, target);
            if (i > 0) {
                out.add(new Pair(sameModel.get(i - 1).getTargetId(), target));
            }
            if (i >= 0 && i + 1 < sameModel.size()) {
                out.add(new Pair(target, sameModel.get(i + 1).getTargetId()));
            }
        }
        try (KeyValueIterator<String, ComparisonPair> it = pairs.all()) {
            it.forEachRemaining(kv -> {
                ComparisonPair p = kv.value;
                if (p != null && !p.getBaseTarget().equals(p.getCandidateTarget())
                        && (p.getBaseTarget().equals(target) || p.getCandidateTarget().equals(target))) {
                    out.add(new Pair(p.getBaseTarget(), p.getCandidateTarget()));
                }
            });
        }
        return out;
    }

    private static int indexOf(List<EvalTarget> targets, String id) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).getTargetId().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}
