package dev.sycostream.worker;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the worker's uncommitted work goes when the ground moves. On a rebalance, finished work is committed
 * before partitions go to another worker and the rest is dropped (the new owner redoes it); lost partitions are
 * dropped without a commit. On a {@link #rewind()} (after an aborted transaction, or a registry outage) everything
 * uncommitted is dropped and the consumer goes back to the committed offsets. Loop thread only.
 */
final class RebalanceAndRewind implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);
    /** Pause after a rewind, so a broker or registry outage is not hammered in a tight loop. */
    static final long REWIND_BACKOFF_MS = 500;

    private final String workerId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final UncommittedWork work;
    private final Backpressure backpressure;
    /** Hands finished calls to their slots, then commits the finished prefixes (the worker's own steps). */
    private final Runnable drainFinished;
    private final Runnable commitFinished;
    private final AtomicBoolean running;
    private final AtomicReference<Throwable> failure;

    RebalanceAndRewind(String workerId, KafkaConsumer<byte[], byte[]> consumer, UncommittedWork work,
                       Backpressure backpressure, Runnable drainFinished, Runnable commitFinished, AtomicBoolean running,
                       AtomicReference<Throwable> failure) {
        this.workerId = workerId;
        this.consumer = consumer;
        this.work = work;
        this.backpressure = backpressure;
        this.drainFinished = drainFinished;
        this.commitFinished = commitFinished;
        this.running = running;
        this.failure = failure;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        // While closing, the loop has already committed what it could (finishOnStop), and the producer may be
        // fenced: a flush here would fail and keep the consumer from leaving the group cleanly.
        if (running.get()) {
            drainFinished.run();
            try {
                commitFinished.run();
            } catch (ProducerFencedException e) {
                failure.compareAndSet(null, e);
                running.set(false);
            } catch (RuntimeException e) {
                // the commit already aborted for non-fatal errors; the new owner answers what was not committed
                log.warn("worker {}: commit before revocation failed: {}", workerId, e.toString());
            }
        }
        work.forget(partitions);
        backpressure.reset();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        work.forget(partitions); // another worker already owns them: committing would be rejected
        backpressure.reset();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        backpressure.onAssigned(partitions);
    }

    /**
     * Forgets everything not committed (answers still in flight are ignored when they arrive) and moves the
     * consumer back to the committed offsets, so those records are read and answered again instead of skipped.
     */
    void rewind() {
        work.forgetAll();
        Set<TopicPartition> assigned = consumer.assignment();
        if (!assigned.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    consumer.seek(partition, offset);
                } else {
                    consumer.seekToBeginning(List.of(partition)); // nothing committed yet: same as "earliest"
                }
            }
        }
        sleep(REWIND_BACKOFF_MS);
    }

    /** Sleeps unless the worker is stopping; false if it was interrupted or is stopping. */
    private boolean sleep(long ms) {
        if (!running.get()) {
            return false;
        }
        try {
            Thread.sleep(ms);
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        }
    }
}
