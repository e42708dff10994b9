package dev.sycostream.errors;

import dev.sycostream.deadletter.DeadLetters;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.registry.RegistryFailure;
import dev.sycostream.serde.AvroSerdes;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Kafka Streams' handler for records that cannot be deserialized or processed: it writes a {@link DeadLetter}
 * (reason, stage, source offset, original bytes) to {@code sycostream.deadletter} and lets the task go on.
 * The dead letter is produced by Streams itself, inside the same transaction as the offset commit under
 * exactly-once, so a record is either processed or dead-lettered, never lost.
 *
 * <p>A schema registry failure is not the record's fault (see {@link RegistryFailure}): for those the task fails
 * instead, so nothing good is dead-lettered during an outage; only a schema id the registry does not know is poison.
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private Serializer<DeadLetter> serializer;

    @Override
    public void configure(Map<String, ?> configs) {
        serializer = AvroSerdes.specific(DeadLetter.class, configs, false).serializer();
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        if (RegistryFailure.mustNotDeadLetter(exception)) {
            // The record is not poison: the registry that would decode it is down, failing or refusing us (past the
            // client's retries). Dead-lettering it would drop a good answer from the counts (and every other record
            // with it), so the task fails instead and the record is read again from the committed offset once the
            // pipeline is restarted. Only an unknown schema id is the record's fault (RegistryFailure#blamesRecord).
            log.error("schema registry failure ({}) while reading {}; failing instead of dead-lettering a good record: {}",
                    kindOf(exception), DeadLetters.kafkaSource(context.topic(), context.partition(), context.offset()),
                    DeadLetters.reasonOf(exception));
            return DeserializationExceptionHandler.Response.fail();
        }
        String reason = "cannot deserialize: " + DeadLetters.reasonOf(exception);
        return DeserializationExceptionHandler.Response.resume(
                deadLetter("streams-deserialization", context, record.key(), record.value(), reason, exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (RegistryFailure.mustNotDeadLetter(exception)) {
            // A processor that needed the registry (a serde inside it) failed because of the registry, not the
            // record: the same rule as for deserialization. This includes a genuine incompatibility, which is our
            // deployment's schema clashing with the subject and would fail every record alike.
            log.error("schema registry failure ({}) in processor {} at {}; failing instead of dead-lettering: {}",
                    kindOf(exception), context.processorNodeId(),
                    DeadLetters.kafkaSource(context.topic(), context.partition(), context.offset()),
                    DeadLetters.reasonOf(exception));
            return ProcessingExceptionHandler.Response.fail();
        }
        String reason = "processor " + context.processorNodeId() + " failed: " + DeadLetters.reasonOf(exception);
        return ProcessingExceptionHandler.Response.resume(
                deadLetter("streams-processing", context, context.sourceRawKey(), context.sourceRawValue(),
                        reason, exception));
    }

    private static String kindOf(Throwable error) {
        return RegistryFailure.in(error).map(f -> f.kind().name()).orElse("none");
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(String stage, ErrorHandlerContext context, byte[] key,
                                                           byte[] value, String reason, Exception exception) {
        String source = DeadLetters.kafkaSource(context.topic(), context.partition(), context.offset());
        log.warn("dead-lettering {} ({}): {}", source, stage, reason);
        DeadLetter letter = DeadLetters.of(stage, source, reason, key, value, exception, System.currentTimeMillis());
        byte[] bytes = serializer.serialize(Topics.DEADLETTER, letter);
        return List.of(new ProducerRecord<>(Topics.DEADLETTER, null, key, bytes));
    }
}
