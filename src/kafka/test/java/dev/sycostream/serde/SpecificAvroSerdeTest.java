package dev.sycostream.serde;

import com.sun.net.httpserver.HttpServer;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.registry.MockSchemaRegistryClient;
import dev.sycostream.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecificAvroSerdeTest {
    private static final String SCOPE = "specific-serde-test";
    private static final Map<String, Object> CONFIG = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    private static MockSchemaRegistryClient registry() {
        return MockSchemaRegistryClient.forScope(SCOPE);
    }

    @Test
    void modelRequestWithMapAndNullableFieldsRoundTrips() {
        Serde<ModelRequest> serde = AvroSerdes.specific(ModelRequest.class, CONFIG, false);
        for (ModelRequest request : new ModelRequest[] {TestRecords.modelRequest(null), TestRecords.modelRequest("B")}) {
            byte[] bytes = serde.serializer().serialize("requests", request);
            ModelRequest back = serde.deserializer().deserialize("requests", bytes);

            assertThat(back).isEqualTo(request);
            assertThat(back.getBackendParams()).containsEntry("model", "tiny");
            assertThat(back.getUserAnswer()).isEqualTo(request.getUserAnswer());
            assertThat(back.getCorrectAnswer()).isNull();
        }
    }

    @Test
    void deadLetterWithBytesRoundTrips() {
        Serde<DeadLetter> serde = AvroSerdes.specific(DeadLetter.class, CONFIG, false);
        DeadLetter letter = TestRecords.deadLetter();

        DeadLetter back = serde.deserializer().deserialize("dlq", serde.serializer().serialize("dlq", letter));

        assertThat(back).isEqualTo(letter);
        assertThat(back.getOriginalKey()).isNull();
        byte[] original = new byte[back.getOriginalValue().remaining()];
        back.getOriginalValue().get(original);
        assertThat(original).containsExactly(0, 1, 2, 0xff, 0x7b);
    }

    @Test
    void nullIsNullBothWays() {
        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class, CONFIG, false);

        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
        assertThat(registry().subjects()).isEmpty();
    }

    @Test
    void subjectsFollowTheTopicNameStrategy() {
        AvroSerdes.specific(MetricCounts.class, CONFIG, true).serializer().serialize("metrics", TestRecords.counts(1, 2));
        AvroSerdes.specific(MetricCounts.class, CONFIG, false).serializer().serialize("metrics", TestRecords.counts(1, 2));

        assertThat(registry().subjects()).containsExactly("metrics-key", "metrics-value");
        assertThat(SubjectNames.topicNameStrategy("a.b", true)).isEqualTo("a.b-key");
        assertThat(SubjectNames.topicNameStrategy("a.b", false)).isEqualTo("a.b-value");
    }

    @Test
    void defaultConstructorFindsTheGeneratedClassFromTheWriterSchema() {
        byte[] bytes = AvroSerdes.specific(DeadLetter.class, CONFIG, false).serializer().serialize("dlq", TestRecords.deadLetter());
        SpecificAvroDeserializer<DeadLetter> byName = new SpecificAvroDeserializer<>();
        byName.configure(Map.of("schema.registry.url", "mock://" + SCOPE, "specific.avro.reader", "true"), false);

        assertThat(byName.deserialize("dlq", bytes)).isEqualTo(TestRecords.deadLetter());

        Schema unknown = SchemaBuilder.record("Nowhere").namespace("no.such.pkg").fields().requiredInt("x").endRecord();
        int id = registry().register("other-value", unknown);
        GenericData.Record record = new GenericData.Record(unknown);
        record.put("x", 1);
        assertThatThrownBy(() -> byName.deserialize("other", TestRecords.frame(id, unknown, record)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("no generated Avro class no.such.pkg.Nowhere on the classpath for schema id " + id);
    }

    @Test
    void notWireFormatUnknownIdAndCorruptPayloadAreClearSerializationErrors() {
        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class, CONFIG, false);
        byte[] good = serde.serializer().serialize("metrics", TestRecords.counts(5, 7));

        assertThatThrownBy(() -> serde.deserializer().deserialize("metrics", TestRecords.utf8("{\"count\":5}")))
                .isInstanceOf(SerializationException.class)
                .hasMessage("topic metrics: unknown magic byte 0x7b: not Confluent Avro wire format");
        assertThatThrownBy(() -> serde.deserializer().deserialize("metrics", new byte[] {0, 0, 0, 0, 42, 2, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("topic metrics: schema id 42 not found in registry mock://" + SCOPE)
                .hasCauseInstanceOf(SchemaRegistryException.class);
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> serde.deserializer().deserialize("metrics", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic metrics: cannot decode the record written with schema id");
    }

    @Test
    void aRecordMissingARequiredFieldFailsNamingTheTopic() {
        Serde<ModelRequest> serde = AvroSerdes.specific(ModelRequest.class, CONFIG, false);
        ModelRequest incomplete = new ModelRequest(); // every field null, though most are required

        assertThatThrownBy(() -> serde.serializer().serialize("requests", incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("topic requests: cannot write dev.sycostream.avro.ModelRequest as Avro");
    }

    @Test
    void theRegistryIsAskedOncePerSubjectNotPerRecord() throws Exception {
        String quoted = "\"" + MetricCounts.getClassSchema().toString().replace("\"", "\\\"") + "\"";
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        stub.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            byte[] body = TestRecords.utf8(exchange.getRequestMethod().equals("POST") ? "{\"id\":1}" : "{\"schema\":" + quoted + "}");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        try {
            Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class,
                    Map.of("schema.registry.url", "http://127.0.0.1:" + stub.getAddress().getPort()), false);
            for (int i = 0; i < 100; i++) {
                byte[] bytes = serde.serializer().serialize("metrics", TestRecords.counts(i, 1));
                assertThat(serde.deserializer().deserialize("metrics", bytes)).isEqualTo(TestRecords.counts(i, 1));
            }
            assertThat(requests).containsExactly("POST /subjects/metrics-value/versions", "GET /schemas/ids/1");
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void anUnreachableRegistryIsASerializationErrorWithTheRegistrysMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class,
                Map.of("schema.registry.url", "http://127.0.0.1:" + port), false);

        assertThatThrownBy(() -> serde.serializer().serialize("metrics", TestRecords.counts(1, 1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("topic metrics: schema registry at http://127.0.0.1:" + port + " unreachable: ")
                .cause().isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnreachable()).isTrue());
        assertThatThrownBy(() -> serde.deserializer().deserialize("metrics", new byte[] {0, 0, 0, 0, 1, 2, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot fetch schema id 1").hasMessageContaining("unreachable");
    }

    @Test
    void configurationIsValidated() {
        SpecificAvroSerializer<MetricCounts> serializer = new SpecificAvroSerializer<>();
        assertThatThrownBy(() -> serializer.configure(Map.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> serializer.configure(Map.of("schema.registry.url", "mock://x",
                "auto.register.schemas", "maybe"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.register.schemas");
        assertThatThrownBy(() -> new SpecificAvroSerializer<MetricCounts>().serialize("t", TestRecords.counts(1, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure");
        MockSchemaRegistryClient.dropScope("x");
    }
}
