package dev.sycostream.worker;

import dev.sycostream.deadletter.DeadLetters;










import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.worker.PartitionProgress.Outcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/**
 * Turns finished model calls into the {@link ModelReply} (and, for a failure, the {@link DeadLetter}) their slot
 * will commit, and dead-letters records that are not requests at all.
 */
final class ReplyFactory {
    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);
    /** Longest text kept in a reply; see {@link #capped}. */
    static final int MAX_REPLY_CHARS = 64 * 1024;

    private final String workerId;

    ReplyFactory(String workerId) {
        this.workerId = workerId;
    }

    /**
     * At most {@value #MAX_REPLY_CHARS} characters of a completion or error text: a reply must fit in one Kafka
     * record (1 MiB by default) or its transaction fails for good, and the scorer reads only the first letter.
     */
    static String capped(String text) {
        return text == null || text.length() <= MAX_REPLY_CHARS ? text : text.substring(0, MAX_REPLY_CHARS);
    }

    /** Finishes the call's slot with its reply, plus a dead letter when the backend gave up. */
    void finish(ModelCall call) {
        BackendException error = call.error;
        String text = error == null ? capped(call.completion.text()) : null;
        ModelReply reply = ModelReply.newBuilder()
                .setRequestId(call.request.getRequestId())
                .setTargetId(call.request.getTargetId())
                .setText(text)
                .setError(error == null ? null : capped(error.getMessage()))
                .setWorkerId(workerId)
                .setAttempts(call.attempts)
                .setLatencyMs((System.nanoTime() - call.startNanos) / 1_000_000)
                .setRepliedAtMs(System.currentTimeMillis())
                .setChoiceLogprobs(error == null ? new HashMap<>(call.completion.choiceLogprobs()) : new HashMap<>())
                .setHttpStatus(error == null ? call.completion.httpStatus() : error.httpStatus().orElse(null))
                // Only the attempt that answered: a faulted attempt before it left no completion, so counts nothing.
                .setPromptTokens(error == null ? call.completion.promptTokens() : null)
                .setCompletionTokens(error == null ? call.completion.completionTokens() : null)
                .build();
        byte[] key = call.request.getRequestId().getBytes(StandardCharsets.UTF_8);
        if (error == null) {
            call.slot.finish(Outcome.REPLIED, key, reply, null);
            return;
        }
        String reason = "target " + call.request.getTargetId() + ", request " + call.request.getRequestId() + ": "
                + error.getMessage() + " (" + call.attempts + " attempt" + (call.attempts == 1 ? "" : "s")
                + error.httpStatus().map(s -> ", last HTTP status " + s).orElse("") + ")";
        call.slot.finish(Outcome.ERROR_REPLY, key, reply, deadLetter(call.record, reason, error));
    }

    /** A dead letter (stage {@value ModelWorker#STAGE}) carrying the record's original key and bytes. */
    DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
        String source = DeadLetters.kafkaSource(record.topic(), record.partition(), record.offset());
        log.warn("dead-lettering {} ({}): {}", source, ModelWorker.STAGE, reason);
        return DeadLetters.of(ModelWorker.STAGE, source, reason, record.key(), record.value(), error,
                System.currentTimeMillis());
    }
}
