package dev.sycostream.worker;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one partition a worker has read and not yet committed, in offset order. Requests finish in
 * any order (answers take different times), but a partition's offset can only move past a record once every
 * earlier record is finished too; so replies are committed, with their offsets, only as a contiguous finished
 * prefix. Replies and offsets then always go out together, in one transaction, and a crash leaves neither a
 * reply without its offset nor an offset without its reply.
 *
 * <p>Confined to the worker's loop thread. A new instance replaces this one when its work is thrown away
 * (rewind after an aborted transaction, revocation); answers that arrive for the old instance are ignored.
 */
final class PartitionProgress {
    /** What a record turned into once finished; outputs are written when it is committed. */
    enum Outcome { REPLIED, ERROR_REPLY, DEAD_LETTERED, SKIPPED }

    static final class Slot {
        final long offset;
        boolean finished;
        Outcome outcome;
        ModelReply reply;
        DeadLetter deadLetter;
        byte[] key;

        Slot(long offset) {
            this.offset = offset;
        }

        void finish(Outcome outcome, byte[] key, ModelReply reply, DeadLetter deadLetter) {
            this.finished = true;
            this.outcome = outcome;
            this.key = key;
            this.reply = reply;
            this.deadLetter = deadLetter;
        }
    }

    private final TopicPartition partition;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();

    PartitionProgress(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition partition() {
        return partition;
    }

    /** Starts tracking the record at {@code offset} (offsets arrive in increasing order). */
    Slot track(long offset) {
        Slot slot = new Slot(offset);
        slots.addLast(slot);
        return slot;
    }

    /** Records read and not yet committed. */
    int size() {
        return slots.size();
    }

    /** The finished records before the first unfinished one, oldest first (not removed). */
    List<Slot> finishedPrefix() {
        List<Slot> prefix = new ArrayList<>();
        for (Slot s : slots) {
            if (!s.finished) {
                break;
            }
            prefix.add(s);
        }
        return prefix;
    }

    /** Forgets the first {@code n} slots, once their transaction committed. */
    void dropCommitted(int n) {
        for (int i = 0; i < n; i++) {
            slots.removeFirst();
        }
    }
}
