package dev.sycostream.errors;

import dev.sycostream.registry.MockSchemaRegistryClient;
import dev.sycostream.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Streams handlers never dead-letter a good record because of the registry: they fail the task instead. */
class RegistryFailureHandlingTest {
    private static final String SCOPE = "registry-failure-handling-test";
    private static final byte[] VALUE = {0, 0, 0, 0, 1, 2};

    private DeadLetterExceptionHandler handler;

    @BeforeEach
    void configure() {
        handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of("schema.registry.url", "mock://" + SCOPE));
    }

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    private static ErrorHandlerContext context() {
        return DeadLetterExceptionHandlerTest.context(null, VALUE);
    }

    private static SerializationException failure(int status, int errorCode, String message) {
        return new SerializationException("topic sycostream.model.replies: schema id 1",
                new SchemaRegistryException(message, status, errorCode));
    }

    @ParameterizedTest(name = "HTTP {0} (error_code {1}, \"{2}\") -> dead letter: {3}")
    @CsvSource(delimiter = '|', value = {
            "-1  | -1    | unreachable                                                     | false",
            "500 | 50001 | store error                                                     | false",
            "503 | 503   | service unavailable                                             | false",
            "401 | 401   | refused credentials                                             | false",
            "403 | 403   | forbidden                                                       | false",
            "409 | 409   | schema for subject s-value is incompatible with an earlier schema | false",
            "409 | 409   | An artifact with ID 's-value' in group 'null' already exists.  | false",
            "400 | 400   | bad request                                                     | false",
            "404 | 40401 | subject not found                                               | false",
            "404 | 404   | HTTP 404 Not Found (a proxy)                                    | false",
            "404 | 40403 | schema id 1 not found                                           | true",
    })
    void onlyAnUnknownSchemaIdIsDeadLettered(int status, int errorCode, String message, boolean deadLettered) {
        SerializationException e = failure(status, errorCode, message);

        var read = handler.handleError(context(), new ConsumerRecord<>("sycostream.model.replies", 2, 17, null, VALUE), e);
        assertThat(read.result()).isEqualTo(deadLettered
                ? DeserializationExceptionHandler.Result.RESUME : DeserializationExceptionHandler.Result.FAIL);
        assertThat(read.deadLetterQueueRecords()).hasSize(deadLettered ? 1 : 0);

        var processed = handler.handleError(context(), new Record<>("k", "v", 5L), e);
        assertThat(processed.result()).isEqualTo(deadLettered
                ? ProcessingExceptionHandler.Result.RESUME : ProcessingExceptionHandler.Result.FAIL);
        assertThat(processed.deadLetterQueueRecords()).hasSize(deadLettered ? 1 : 0);
    }
}
