package dev.sycostream.serde;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.registry.MockSchemaRegistryClient;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireFormatTest {
    private static final String SCOPE = "wire-format-test";

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void headerIsMagicZeroThenTheIdBigEndian() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);

        assertThat(out.toByteArray()).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.schemaId("t", new byte[] {0, 1, 2, 3, 4})).isEqualTo(0x01020304);
        assertThat(WireFormat.schemaId("t", new byte[] {0, (byte) 0xff, 0, 0, 1, 9})).isEqualTo(0xff000001);
    }

    @Test
    void serializedRecordIsHeaderThenPlainAvroBinary() throws Exception {
        // Push the id past one byte so the big-endian layout is really exercised.
        MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(SCOPE);
        for (int i = 0; i < 258; i++) {
            registry.register("filler-" + i, SchemaBuilder.record("Filler" + i).fields().requiredInt("f").endRecord());
        }
        SpecificAvroSerializer<MetricCounts> serializer = new SpecificAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + SCOPE), false);
        MetricCounts counts = TestRecords.counts(3, 1000);

        byte[] bytes = serializer.serialize("metrics", counts);

        int id = registry.lookupId("metrics-value", MetricCounts.getClassSchema());
        assertThat(id).isEqualTo(259);
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 1, 3);
        ByteArrayOutputStream avro = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
        new SpecificDatumWriter<>(MetricCounts.class).write(counts, encoder);
        encoder.flush();
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(avro.toByteArray());
        // zig-zag varints: 3 -> 0x06, 1000 -> 0xd0 0x0f; then score_sum 0.0 (8 bytes, little-endian IEEE) and score_n 0
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length))
                .containsExactly(0x06, 0xd0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void bytesThatAreNotTheWireFormatAreRejectedNamingTopicAndProblem() {
        assertThatThrownBy(() -> WireFormat.schemaId("answers", TestRecords.utf8("{\"a\":1}")))
                .isInstanceOf(SerializationException.class)
                .hasMessage("topic answers: unknown magic byte 0x7b: not Confluent Avro wire format");
        assertThatThrownBy(() -> WireFormat.schemaId("answers", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic answers: 3 bytes is too short for Confluent Avro wire format");
        assertThatThrownBy(() -> WireFormat.schemaId("answers", new byte[] {1, 0, 0, 0, 1}))
                .hasMessageContaining("unknown magic byte 0x01");
    }
}
