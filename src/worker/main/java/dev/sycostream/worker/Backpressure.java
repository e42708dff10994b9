package dev.sycostream.worker;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Pauses the consumer while a whole window waits in the backlog, or four windows are read but not committed: it
 * keeps its group membership but fetches nothing until answers come back. Loop thread only.
 */
final class Backpressure {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final int maxInFlight;
    private boolean paused;

    Backpressure(KafkaConsumer<byte[], byte[]> consumer, int maxInFlight) {
        this.consumer = consumer;
        this.maxInFlight = maxInFlight;
    }

    /** Pauses fetching while the window is full or too much is read and uncommitted; resumes when it drains. */
    void apply(int backlog, int uncommitted) {
        // Keep up to one window of requests ready to start, so finished calls always find a successor.
        boolean full = backlog >= maxInFlight || uncommitted >= 4 * maxInFlight;
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && (paused || !consumer.paused().isEmpty())) {
            // Also after a rebalance, which may leave kept partitions paused while the flag was reset.
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    boolean paused() {
        return paused;
    }

    /** Pause state does not survive reassignment. */
    void reset() {
        paused = false;
    }

    /** Newly assigned partitions are paused too while the consumer is. */
    void onAssigned(Collection<TopicPartition> partitions) {
        if (paused) {
            consumer.pause(partitions);
        }
    }
}
