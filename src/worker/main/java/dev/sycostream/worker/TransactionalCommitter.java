package dev.sycostream.worker;

import dev.sycostream.deadletter.DeadLetters;










import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.topics.Topics;
import dev.sycostream.worker.PartitionProgress.Slot;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Commits the finished prefix of every partition in one Kafka transaction: its replies and dead letters, and the
 * offsets after them ({@code sendOffsetsToTransaction}). A reply is thus published only together with its offset.
 */
final class TransactionalCommitter {
    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);

    private final String workerId;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ReplyIndex replyIndex;
    private final Serializer<ModelReply> replySerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;
    private final UncommittedWork work;
    private final WorkerCounters counters;

    TransactionalCommitter(WorkerClients clients, Topics topics, UncommittedWork work, WorkerCounters counters) {
        this.workerId = clients.workerId;
        this.producer = clients.producer;
        this.consumer = clients.consumer;
        this.replyIndex = clients.replyIndex;
        this.replySerializer = topics.modelReplies().valueSerde().serializer();
        this.deadLetterSerializer = topics.deadletter().valueSerde().serializer();
        this.work = work;
        this.counters = counters;
    }

    /**
     * Commits what is finished. Returns false when the transaction failed non-fatally and was aborted: the caller
     * must then rewind (drop everything uncommitted and read it again). Fatal producer errors (fencing, ...) are
     * thrown: this producer cannot even abort.
     */
    boolean commitFinished() {
        Map<PartitionProgress, List<Slot>> ready = work.finishedPrefixes();
        if (ready.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        producer.beginTransaction();
        try {
            for (Map.Entry<PartitionProgress, List<Slot>> e : ready.entrySet()) {
                for (Slot slot : e.getValue()) {
                    if (slot.reply != null) {
                        producer.send(new ProducerRecord<>(Topics.MODEL_REPLIES, slot.key,
                                replySerializer.serialize(Topics.MODEL_REPLIES, slot.reply)));
                    }
                    if (slot.deadLetter != null) {
                        producer.send(new ProducerRecord<>(Topics.DEADLETTER, slot.key,
                                deadLetterSerializer.serialize(Topics.DEADLETTER, slot.deadLetter)));
                    }
                }
                List<Slot> prefix = e.getValue();
                offsets.put(e.getKey().partition(), new OffsetAndMetadata(prefix.get(prefix.size() - 1).offset + 1));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | FencedInstanceIdException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException e) {
            // Fatal for this producer: it cannot even abort. Rethrown so the loop stops and says why.
            throw e;
        } catch (KafkaException e) {
            abort(e);
            return false;
        }
        for (Map.Entry<PartitionProgress, List<Slot>> e : ready.entrySet()) {
            work.dropCommitted(e.getKey(), e.getValue().size());
            for (Slot slot : e.getValue()) {
                counters.committed(slot);
                if (replyIndex != null && slot.reply != null) {
                    replyIndex.add(slot.reply.getRequestId());
                }
            }
        }
        return true;
    }

    private void abort(KafkaException cause) {
        counters.aborted.incrementAndGet();
        log.warn("worker {}: transaction aborted, will retry from the committed offsets: {}", workerId,
                DeadLetters.reasonOf(cause));
        producer.abortTransaction(); // a fatal error here (fencing) propagates and stops the loop
    }
}
