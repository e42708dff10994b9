package dev.sycostream.worker;

import dev.sycostream.deadletter.DeadLetters;










import dev.sycostream.avro.ModelRequest;
import dev.sycostream.registry.RegistryFailure;
import dev.sycostream.worker.PartitionProgress.Outcome;
import dev.sycostream.worker.PartitionProgress.Slot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in each record the worker reads: tracks it, and decides what it becomes. A request goes to the
 * {@link InFlightWindow}; a record that is no request is dead-lettered; a request already answered (see
 * {@link ReplyIndex}) is skipped. Loop thread only.
 */
final class RequestIntake {
    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);

    private final String workerId;
    private final Deserializer<ModelRequest> requestDeserializer;
    private final UncommittedWork work;
    private final InFlightWindow window;
    private final ReplyFactory replies;
    /** Null with {@link WorkerSettings#force()}. */
    private final ReplyIndex replyIndex;

    RequestIntake(String workerId, Deserializer<ModelRequest> requestDeserializer, UncommittedWork work,
                  InFlightWindow window, ReplyFactory replies, ReplyIndex replyIndex) {
        this.workerId = workerId;
        this.requestDeserializer = requestDeserializer;
        this.work = work;
        this.window = window;
        this.replies = replies;
        this.replyIndex = replyIndex;
    }

    /**
     * Tracks {@code record} and starts what it needs. Returns false when it cannot be read because of the schema
     * registry: the worker must then rewind to the committed offsets and read it again later.
     */
    boolean accept(ConsumerRecord<byte[], byte[]> record) {
        PartitionProgress owner = work.partitionOf(record);
        Slot slot = work.track(owner, record);
        ModelRequest request;
        try {
            request = requestDeserializer.deserialize(record.topic(), record.value());
        } catch (KafkaException e) {
            if (RegistryFailure.mustNotDeadLetter(e)) {
                // The registry is down, failing or refusing us: not the record's fault (see RegistryFailure). Start
                // over from the committed offsets later, rather than dead-lettering every good request.
                log.warn("worker {}: cannot deserialize requests ({}); retrying from the committed offsets", workerId,
                        DeadLetters.reasonOf(e));
                return false;
            }
            slot.finish(Outcome.DEAD_LETTERED, record.key(), null,
                    replies.deadLetter(record, "cannot deserialize a ModelRequest: " + DeadLetters.reasonOf(e), e));
            return true;
        }
        if (request == null) {
            slot.finish(Outcome.DEAD_LETTERED, record.key(), null,
                    replies.deadLetter(record, "empty value: a model request was expected", null));
            return true;
        }
        if (request.getRetired()) {
            // Its item was retired (ingest --replace): the record only tells the scoring stage; nothing to ask.
            slot.finish(Outcome.SKIPPED, record.key(), null, null);
            return true;
        }
        if (replyIndex != null && replyIndex.contains(request.getRequestId())) {
            slot.finish(Outcome.SKIPPED, record.key(), null, null);
            return true;
        }
        window.enqueue(new ModelCall(owner, slot, record, request));
        return true;
    }
}
