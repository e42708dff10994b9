package dev.sycostream.worker;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.worker.backend.Completion;
import dev.sycostream.worker.PartitionProgress.Slot;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A request on its way through the model, with where its answer must go. */
final class ModelCall {
    final PartitionProgress owner;
    final Slot slot;
    final ConsumerRecord<byte[], byte[]> record;
    final ModelRequest request;
    final long startNanos = System.nanoTime();
    /** When the current attempt was sent, for the latency metric; set by the window. */
    volatile long attemptStartNanos;
    int attempts;
    Completion completion;
    BackendException error;

    ModelCall(PartitionProgress owner, Slot slot, ConsumerRecord<byte[], byte[]> record, ModelRequest request) {
        this.owner = owner;
        this.slot = slot;
        this.record = record;
        this.request = request;
    }
}
