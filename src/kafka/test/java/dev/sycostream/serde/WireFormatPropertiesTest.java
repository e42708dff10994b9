package dev.sycostream.serde;

import dev.sycostream.avro.ModelReply;
import dev.sycostream.registry.MockSchemaRegistryClient;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The Confluent wire format: the header round-trips every schema id, records round-trip through the serde, and
 * bytes that are not a record (not the format, an unknown schema id, a cut or corrupt body) fail with a
 * {@link SerializationException} naming the topic: the one exception the Streams dead-letter handler expects.
 */
class WireFormatPropertiesTest {
    private static final String SCOPE = "wire-format-properties";
    private static final Serde<ModelReply> SERDE = AvroSerdes.specific(ModelReply.class,
            Map.of("schema.registry.url", "mock://" + SCOPE), false);

    @AfterContainer
    static void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Property
    void theHeaderCarriesEverySchemaId(@ForAll int schemaId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, schemaId);
        byte[] header = out.toByteArray();
        assertThat(header).hasSize(WireFormat.HEADER_SIZE);
        assertThat(WireFormat.schemaId("t", header)).isEqualTo(schemaId);
    }

    @Provide
    Arbitrary<ModelReply> replies() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(300);
        return Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(64), text.injectNull(0.2),
                        text.injectNull(0.8), Arbitraries.integers().between(1, 10), Arbitraries.longs().greaterOrEqual(0))
                .as((id, reply, error, attempts, at) -> ModelReply.newBuilder().setRequestId(id).setTargetId("t")
                        .setText(reply).setError(error).setWorkerId("w").setAttempts(attempts).setLatencyMs(at % 100_000)
                        .setRepliedAtMs(at).build());
    }

    @Property(tries = 300)
    void recordsRoundTrip(@ForAll("replies") ModelReply reply) {
        byte[] bytes = SERDE.serializer().serialize("replies", reply);
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(SERDE.deserializer().deserialize("replies", bytes)).isEqualTo(reply);
    }

    @Property(tries = 500)
    void anyBytesEitherReadAsARecordOrFailWithASerializationException(@ForAll byte[] bytes) {
        assertOnlySerializationExceptions(bytes);
    }

    /** Real records with a corrupted byte or cut short: the likely poison, not just random noise. */
    @Property(tries = 500)
    void corruptedOrCutRecordsFailOnlyWithASerializationException(@ForAll("replies") ModelReply reply,
                                                                 @ForAll int position, @ForAll byte replacement,
                                                                 @ForAll boolean cut) {
        byte[] bytes = SERDE.serializer().serialize("replies", reply);
        int at = Math.floorMod(position, bytes.length);
        byte[] poisoned = cut ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
        if (!cut) {
            poisoned[at] = replacement;
        }
        assertOnlySerializationExceptions(poisoned);
    }

    private static void assertOnlySerializationExceptions(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> SERDE.deserializer().deserialize("replies", bytes));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(SerializationException.class).hasMessageContaining("replies");
        }
    }
}
