package dev.sycostream.worker;

import dev.sycostream.worker.PartitionProgress.Slot;

import java.util.concurrent.atomic.AtomicLong;

/** What a {@link ModelWorker} has done so far; read from any thread. */
final class WorkerCounters {
    final AtomicLong processed = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong failedReplies = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong aborted = new AtomicLong();
    final AtomicLong modelCalls = new AtomicLong();

    /** Counts a record whose transaction committed. */
    void committed(Slot slot) {
        processed.incrementAndGet();
        switch (slot.outcome) {
            case DEAD_LETTERED -> deadLettered.incrementAndGet();
            case ERROR_REPLY -> failedReplies.incrementAndGet();
            case SKIPPED -> skipped.incrementAndGet();
            case REPLIED -> {
            }
        }
    }
}
