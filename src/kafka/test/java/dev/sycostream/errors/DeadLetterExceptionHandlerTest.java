package dev.sycostream.errors;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.registry.MockSchemaRegistryClient;
import dev.sycostream.serde.AvroSerdes;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterExceptionHandlerTest {
    private static final String SCOPE = "dlq-handler-test";
    private static final Map<String, String> CONFIG = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    /** A record read from model.replies partition 2, offset 17, by the scoring stage; shared with RegistryFailureHandlingTest. */
    static ErrorHandlerContext context(byte[] key, byte[] value) {
        return new ErrorHandlerContext() {
            public String topic() { return "sycostream.model.replies"; }
            public int partition() { return 2; }
            public long offset() { return 17; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "scoring-first-reply"; }
            public TaskId taskId() { return new TaskId(1, 2); }
            public long timestamp() { return 5; }
            public byte[] sourceRawKey() { return key; }
            public byte[] sourceRawValue() { return value; }
        };
    }

    private static DeadLetter read(ProducerRecord<byte[], byte[]> r) {
        assertThat(r.topic()).isEqualTo(Topics.DEADLETTER);
        return AvroSerdes.specific(DeadLetter.class, CONFIG, false).deserializer().deserialize(r.topic(), r.value());
    }

    @Test
    void undeserializableRecordsBecomeDeadLettersWithReasonSourceAndBytes() {
        var handler = new DeadLetterExceptionHandler();
        handler.configure(CONFIG);
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        byte[] value = {9, 9, 9};
        var response = handler.handleError(context(key, value),
                new ConsumerRecord<>("sycostream.model.replies", 2, 17, key, value),
                new IllegalStateException("unknown magic byte 9"));
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        DeadLetter d = read(response.deadLetterQueueRecords().get(0));
        assertThat(d.getReason()).isEqualTo("cannot deserialize: unknown magic byte 9");
        assertThat(d.getStage()).isEqualTo("streams-deserialization");
        assertThat(d.getSource()).isEqualTo("sycostream.model.replies/2/17");
        assertThat(d.getOriginalValue().array()).containsExactly(9, 9, 9);
        assertThat(d.getErrorClass()).isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void anUnreachableRegistryFailsTheTaskInsteadOfDeadLetteringAGoodRecord() {
        var handler = new DeadLetterExceptionHandler();
        handler.configure(CONFIG);
        byte[] value = {0, 0, 0, 0, 1, 2};
        var unreachable = new org.apache.kafka.common.errors.SerializationException("topic t: cannot fetch schema id 1",
                new dev.sycostream.registry.SchemaRegistryException("schema registry at http://r unreachable: refused",
                        dev.sycostream.registry.SchemaRegistryException.NO_RESPONSE,
                        dev.sycostream.registry.SchemaRegistryException.NO_RESPONSE));
        var response = handler.handleError(context(null, value),
                new ConsumerRecord<>("sycostream.model.replies", 2, 17, null, value), unreachable);
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();

        // A schema id the registry answers "not found" for is poison: dead-lettered as before.
        var notFound = new org.apache.kafka.common.errors.SerializationException("topic t: schema id 1 not found",
                new dev.sycostream.registry.SchemaRegistryException("not found", 404, 40403));
        assertThat(handler.handleError(context(null, value),
                new ConsumerRecord<>("sycostream.model.replies", 2, 17, null, value), notFound).result())
                .isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    }

    @Test
    void processingFailuresNameTheProcessor() {
        var handler = new DeadLetterExceptionHandler();
        handler.configure(CONFIG);
        var response = handler.handleError(context(null, new byte[]{1}), new Record<>("k", "v", 5L),
                new IllegalArgumentException("item x: no choices"));
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        DeadLetter d = read(response.deadLetterQueueRecords().get(0));
        assertThat(d.getReason()).isEqualTo("processor scoring-first-reply failed: item x: no choices");
        assertThat(d.getStage()).isEqualTo("streams-processing");
    }
}
