package dev.sycostream.serde;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.registry.MockSchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records written by older or newer schemas, and the registration modes, on the mock registry. */
class SchemaEvolutionTest {
    private static final String SCOPE = "schema-evolution-test";
    private static final String URL = "mock://" + SCOPE;

    /** MetricCounts before "n" existed. */
    private static final Schema OLD = SchemaBuilder.record("MetricCounts").namespace("dev.sycostream.avro").fields()
            .name("count").type().longType().longDefault(0)
            .endRecord();
    /** MetricCounts with one more field than today's class. */
    private static final Schema NEWER = SchemaBuilder.record("MetricCounts").namespace("dev.sycostream.avro").fields()
            .name("count").type().longType().longDefault(0)
            .name("n").type().longType().longDefault(0)
            .name("sum").type().doubleType().doubleDefault(0.5)
            .endRecord();

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void recordsWrittenByOlderAndNewerSchemasReadIntoTodaysClass() {
        MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(SCOPE);
        int oldId = registry.register("metrics-value", OLD);
        int newerId = registry.register("metrics-value", NEWER);
        GenericData.Record old = new GenericData.Record(OLD);
        old.put("count", 9L);
        GenericData.Record newer = new GenericData.Record(NEWER);
        newer.put("count", 4L);
        newer.put("n", 8L);
        newer.put("sum", 2.5);
        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class, Map.of("schema.registry.url", URL), false);

        assertThat(serde.deserializer().deserialize("metrics", TestRecords.frame(oldId, OLD, old)))
                .isEqualTo(TestRecords.counts(9, 0)); // n takes its default
        assertThat(serde.deserializer().deserialize("metrics", TestRecords.frame(newerId, NEWER, newer)))
                .isEqualTo(TestRecords.counts(4, 8)); // sum is skipped
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeRegistered() {
        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class,
                Map.of("schema.registry.url", URL, "auto.register.schemas", false), false);

        assertThatThrownBy(() -> serde.serializer().serialize("metrics", TestRecords.counts(1, 1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject metrics-value not found");

        int id = MockSchemaRegistryClient.forScope(SCOPE).register("metrics-value", MetricCounts.getClassSchema());
        byte[] bytes = serde.serializer().serialize("metrics", TestRecords.counts(1, 1));
        assertThat(WireFormat.schemaId("metrics", bytes)).isEqualTo(id);
        assertThat(MockSchemaRegistryClient.forScope(SCOPE).getLatest("metrics-value").version()).isEqualTo(1);
    }

    @Test
    void useLatestVersionWritesWithTheLatestSchemaByFieldName() throws Exception {
        MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(SCOPE);
        registry.register("metrics-value", MetricCounts.getClassSchema());
        int latestId = registry.register("metrics-value", NEWER);
        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class, Map.of("schema.registry.url", URL,
                "auto.register.schemas", "false", "use.latest.version", "true"), false);

        byte[] bytes = serde.serializer().serialize("metrics", TestRecords.counts(3, 6));

        assertThat(WireFormat.schemaId("metrics", bytes)).isEqualTo(latestId);
        GenericRecord written = new GenericDatumReader<GenericRecord>(NEWER).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(written.get("count")).isEqualTo(3L);
        assertThat(written.get("n")).isEqualTo(6L);
        assertThat(written.get("sum")).isEqualTo(0.5);
        assertThat(serde.deserializer().deserialize("metrics", bytes)).isEqualTo(TestRecords.counts(3, 6));
    }
}
