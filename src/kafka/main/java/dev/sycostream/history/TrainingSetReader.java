package dev.sycostream.history;

import dev.sycostream.avro.TrainingExample;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads training sets from {@code sycostream.training.synthetic} (key {@code target_id|item_id}, compacted): the
 * latest value per key, with tombstoned keys removed. Each read is a {@link TopicSnapshot} (no consumer group,
 * read_committed, up to the end offsets at call time), so the result is a consistent snapshot.
 */
public final class TrainingSetReader {
    /** Same item order every time, so that exported files are reproducible. */
    static final Comparator<TrainingExample> ORDER = Comparator
            .comparing((TrainingExample e) -> e.getItemId().toString())
            .thenComparing(e -> e.getTargetId().toString());

    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private long skipped;

    public TrainingSetReader(Map<String, Object> clientConfig, Topics topics) {
        this.clientConfig = clientConfig;
        this.topics = topics;
    }

    /**
     * The training examples of {@code targetId}, sorted by item_id. Undecodable or keyless records are skipped
     * and counted ({@link #skipped()}).
     *
     * @throws IllegalStateException if the topic does not exist or its end is not reached within {@code timeout}
     */
    public List<TrainingExample> read(String targetId, Duration timeout) {
        return read(List.of(targetId), timeout).get(targetId);
    }

    /** The training sets of several targets from one pass over the topic, in the order the targets are given. */
    public Map<String, List<TrainingExample>> read(Collection<String> targetIds, Duration timeout) {
        Map<String, TrainingExample> latest = new HashMap<>();
        skipped = TopicSnapshot.read(clientConfig, topics.trainingSynthetic(), null, timeout, record -> {
            TrainingExample e = record.value();
            if (e == null) {
                latest.remove(record.key()); // tombstone: the example was withdrawn
            } else {
                latest.put(record.key(), e);
            }
        });
        Map<String, List<TrainingExample>> byTarget = new LinkedHashMap<>();
        targetIds.forEach(t -> byTarget.put(t, new ArrayList<>()));
        // The value's target_id decides: key "a|b|item" belongs to target "a|b", not "a".
        latest.values().forEach(e -> {
            List<TrainingExample> list = byTarget.get(e.getTargetId());
            if (list != null) {
                list.add(e);
            }
        });
        byTarget.values().forEach(list -> list.sort(ORDER));
        return byTarget;
    }

    /** Records the last read could not use (no key, undecodable value). */
    public long skipped() {
        return skipped;
    }
}
