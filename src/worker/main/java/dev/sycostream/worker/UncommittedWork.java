package dev.sycostream.worker;

import dev.sycostream.worker.PartitionProgress.Slot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every record read and not yet committed, per partition ({@link PartitionProgress}), and how many there are.
 * Confined to the worker's loop thread (the rebalance listener runs on it too).
 */
final class UncommittedWork {
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final InFlightWindow window;
    private int tracked;

    UncommittedWork(InFlightWindow window) {
        this.window = window;
    }

    /** The progress of the record's partition (created on its first record). */
    PartitionProgress partitionOf(ConsumerRecord<byte[], byte[]> record) {
        return progress.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), PartitionProgress::new);
    }

    /** Starts tracking {@code record} in {@code owner}. */
    Slot track(PartitionProgress owner, ConsumerRecord<byte[], byte[]> record) {
        tracked++;
        return owner.track(record.offset());
    }

    /** Records read and not yet committed, over all partitions. */
    int tracked() {
        return tracked;
    }

    /** Whether {@code owner} still holds its partition's work (not rewound or revoked since). */
    boolean isCurrent(PartitionProgress owner) {
        return progress.get(owner.partition()) == owner;
    }

    /** The finished prefix of every partition that has one. */
    Map<PartitionProgress, List<Slot>> finishedPrefixes() {
        Map<PartitionProgress, List<Slot>> ready = new HashMap<>();
        for (PartitionProgress p : progress.values()) {
            List<Slot> prefix = p.finishedPrefix();
            if (!prefix.isEmpty()) {
                ready.put(p, prefix);
            }
        }
        return ready;
    }

    /** Forgets the first {@code n} records of {@code p}, once their transaction committed. */
    void dropCommitted(PartitionProgress p, int n) {
        p.dropCommitted(n);
        tracked -= n;
    }

    /** Forgets everything not committed. */
    void forgetAll() {
        forget(progress.keySet());
    }

    /**
     * Forgets the uncommitted work of {@code partitions}, and the requests of theirs still waiting in the backlog;
     * answers still in flight for them are ignored when they arrive ({@link #isCurrent}).
     */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : List.copyOf(partitions)) {
            PartitionProgress p = progress.remove(tp);
            if (p != null) {
                tracked -= p.size();
            }
        }
        window.dropWaiting(call -> !progress.containsKey(call.owner.partition())
                || progress.get(call.owner.partition()) != call.owner);
    }
}
