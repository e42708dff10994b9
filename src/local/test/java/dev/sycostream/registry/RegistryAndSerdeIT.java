package dev.sycostream.registry;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.serde.AvroSerdes;
import dev.sycostream.serde.SpecificAvroDeserializer;
import dev.sycostream.serde.SpecificAvroSerializer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP client and the serdes against the embedded registry over real HTTP, stored in a real Kafka broker. */
class RegistryAndSerdeIT {
    private static final Schema COUNTS_V1 = SchemaBuilder.record("MetricCounts").namespace("dev.sycostream.avro").fields()
            .name("count").type().longType().longDefault(0)
            .endRecord();
    private static final Schema COUNTS_REQUIRED_X = SchemaBuilder.record("MetricCounts").namespace("dev.sycostream.avro").fields()
            .name("count").type().longType().longDefault(0)
            .requiredString("x")
            .endRecord();
    private static final Schema OTHER = SchemaBuilder.record("Other").namespace("t").fields()
            .requiredString("name").endRecord();

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static HttpSchemaRegistryClient client(String url) {
        return new HttpSchemaRegistryClient(Map.of("schema.registry.url", url));
    }

    @Test
    void registersLooksUpAndListsOverHttp() throws Exception {
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers())
                .withTopic("_schemas_api").start()) {
            HttpSchemaRegistryClient client = client(registry.url());

            int countsId = client.register("api-counts-value", COUNTS_V1);
            int otherId = client.register("api-other-value", OTHER);
            int sameAgain = client(registry.url()).register("api-counts-value", COUNTS_V1);
            int reusedId = client.register("api-elsewhere-value", COUNTS_V1);

            assertThat(countsId).isEqualTo(1);
            assertThat(otherId).isEqualTo(2);
            assertThat(sameAgain).isEqualTo(countsId);
            assertThat(reusedId).as("same schema, other subject: same global id").isEqualTo(countsId);
            HttpSchemaRegistryClient fresh = client(registry.url()); // no cache: really over HTTP
            assertThat(fresh.getById(otherId)).isEqualTo(OTHER);
            assertThat(fresh.lookupId("api-other-value", OTHER)).isEqualTo(otherId);
            assertThat(fresh.getLatest("api-counts-value")).isEqualTo(new RegisteredSchema("api-counts-value", 1, 1, COUNTS_V1));
            assertThat(fresh.subjects()).containsExactly("api-counts-value", "api-elsewhere-value", "api-other-value");
            assertThat(fresh.testCompatibility("api-counts-value", MetricCounts.getClassSchema())).isTrue();
            assertThat(fresh.testCompatibility("api-counts-value", COUNTS_REQUIRED_X)).isFalse();
            assertThat(fresh.testCompatibility("api-new-value", COUNTS_REQUIRED_X)).isTrue();
            assertThatThrownBy(() -> fresh.lookupId("api-missing-value", OTHER))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401))
                    .hasMessage("subject api-missing-value not found in schema registry at " + registry.url());
            assertThatThrownBy(() -> fresh.lookupId("api-other-value", COUNTS_V1))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
            assertThatThrownBy(() -> fresh.getById(999))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403))
                    .hasMessage("schema id 999 not found in schema registry at " + registry.url());

            // The raw REST surface, as any Confluent client sees it.
            assertThat(http("GET", registry.url() + "/subjects/api-counts-value/versions", null)).isEqualTo("200 [1]");
            assertThat(http("GET", registry.url() + "/subjects/nope/versions", null))
                    .startsWith("404 {\"error_code\":40401,\"message\":");
            assertThat(http("POST", registry.url() + "/subjects/bad-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"))
                    .startsWith("422 {\"error_code\":42201,");
            assertThat(http("GET", registry.url() + "/config", null)).isEqualTo("200 {\"compatibilityLevel\":\"BACKWARD\"}");
            assertThat(http("PUT", registry.url() + "/config/api-other-value", "{\"compatibility\":\"NONE\"}"))
                    .isEqualTo("200 {\"compatibility\":\"NONE\"}");
            assertThat(http("GET", registry.url() + "/config/api-other-value", null))
                    .isEqualTo("200 {\"compatibilityLevel\":\"NONE\"}");
            assertThat(http("GET", registry.url() + "/config/api-counts-value", null)).startsWith("404 {\"error_code\":40408");
            assertThat(http("GET", registry.url() + "/config/api-counts-value?defaultToGlobal=true", null))
                    .isEqualTo("200 {\"compatibilityLevel\":\"BACKWARD\"}");
            assertThat(http("GET", registry.url() + "/subjects/api-other-value/versions/latest/schema", null))
                    .isEqualTo("200 " + OTHER);
            assertThat(fresh.register("api-other-value", COUNTS_REQUIRED_X)).as("NONE accepts anything").isEqualTo(3);

            // With several URLs a dead one is skipped.
            assertThat(client("http://127.0.0.1:" + deadPort() + "," + registry.url()).getById(otherId)).isEqualTo(OTHER);
        }
    }

    @Test
    void serdesRoundTripThroughKafkaAndKeepWorkingFromCacheWhenTheRegistryIsGone() throws Exception {
        String topic = "it.model.requests";
        createTopic(topic);
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).withTopic("_schemas_serde").start();
        List<ModelRequest> sent = List.of(request("r1", null), request("r2", "A"));
        // Kafka builds and configures the serdes from class names, as an application's config would.
        Map<String, Object> producerConfig = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SpecificAvroSerializer.class,
                "schema.registry.url", registry.url()));
        try (KafkaProducer<String, ModelRequest> producer = new KafkaProducer<>(producerConfig)) {
            for (ModelRequest r : sent) {
                producer.send(new ProducerRecord<>(topic, r.getRequestId(), r)).get();
            }
        }
        List<ModelRequest> received = new ArrayList<>();
        try (KafkaConsumer<String, ModelRequest> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-serde",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SpecificAvroDeserializer.class,
                "schema.registry.url", registry.url(),
                "specific.avro.reader", true))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (received.size() < sent.size() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
            }
        }
        assertThat(received).containsExactlyElementsOf(sent);
        assertThat(client(registry.url()).subjects()).containsExactly(topic + "-value");

        Serde<ModelRequest> serde = AvroSerdes.specific(ModelRequest.class, Map.of("schema.registry.url", registry.url()), false);
        byte[] first = serde.serializer().serialize(topic, sent.get(0));
        assertThat(serde.deserializer().deserialize(topic, first)).isEqualTo(sent.get(0));
        registry.close();
        // Ids are cached per subject and schema: the hot path needs no registry.
        byte[] again = serde.serializer().serialize(topic, sent.get(1));
        assertThat(serde.deserializer().deserialize(topic, again)).isEqualTo(sent.get(1));
    }

    @Test
    void anIncompatibleChangeIsRefusedWith409NamingSubjectAndReason() {
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers())
                .withTopic("_schemas_incompatible").start()) {
            HttpSchemaRegistryClient client = client(registry.url());
            client.register("scores-value", COUNTS_V1);

            assertThatThrownBy(() -> client.register("scores-value", COUNTS_REQUIRED_X))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        assertThat(e.errorCode()).isEqualTo(409);
                    })
                    .hasMessageStartingWith("schema for subject scores-value is incompatible with an earlier schema: ")
                    .hasMessageContaining("reader field 'x' has no default value");
            assertThat(client.getLatest("scores-value").version()).isEqualTo(1);

            // The same refusal through a serializer whose class no longer fits the subject: this older
            // ModelRequest lacks target_id, which today's class requires without a default.
            Schema oldRequest = SchemaBuilder.record("ModelRequest").namespace("dev.sycostream.avro").fields()
                    .requiredString("request_id").endRecord();
            client.register("strict-value", oldRequest);
            Serde<ModelRequest> serde = AvroSerdes.specific(ModelRequest.class, Map.of("schema.registry.url", registry.url()), false);
            assertThatThrownBy(() -> serde.serializer().serialize("strict", request("r9", null)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("topic strict: schema for subject strict-value is incompatible with an earlier schema")
                    .hasMessageContaining("reader field 'target_id' has no default value");
        }
    }

    @Test
    void aCompatibleEvolutionIsAcceptedAndOldRecordsReadIntoTheNewClass() throws Exception {
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers())
                .withTopic("_schemas_evolution").start()) {
            HttpSchemaRegistryClient client = client(registry.url());
            int oldId = client.register("counts-value", COUNTS_V1);
            GenericData.Record old = new GenericData.Record(COUNTS_V1);
            old.put("count", 41L);
            byte[] oldBytes = frame(oldId, COUNTS_V1, old);

            Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class, Map.of("schema.registry.url", registry.url()), false);
            byte[] newBytes = serde.serializer().serialize("counts", counts(1, 2)); // registers the class's schema (adds n, default 0)

            RegisteredSchema latest = client.getLatest("counts-value");
            assertThat(latest.version()).isEqualTo(2);
            assertThat(latest.schema()).isEqualTo(MetricCounts.getClassSchema());
            assertThat(serde.deserializer().deserialize("counts", oldBytes)).isEqualTo(counts(41, 0));
            assertThat(serde.deserializer().deserialize("counts", newBytes)).isEqualTo(counts(1, 2));
        }
    }

    @Test
    void aRestartedRegistryRebuildsItsStateFromTheSchemasTopic() throws Exception {
        int countsId;
        int otherId;
        try (EmbeddedSchemaRegistry first = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start()) {
            HttpSchemaRegistryClient client = client(first.url());
            countsId = client.register("restart-counts-value", COUNTS_V1);
            client.register("restart-counts-value", MetricCounts.getClassSchema());
            otherId = client.register("restart-other-value", OTHER);
            assertThat(http("PUT", first.url() + "/config/restart-other-value", "{\"compatibility\":\"FULL\"}")).startsWith("200");
        }
        try (EmbeddedSchemaRegistry second = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start()) {
            HttpSchemaRegistryClient client = client(second.url());

            assertThat(client.getById(countsId)).isEqualTo(COUNTS_V1);
            assertThat(client.getById(otherId)).isEqualTo(OTHER);
            assertThat(client.getLatest("restart-counts-value").version()).isEqualTo(2);
            assertThat(client.subjects()).contains("restart-counts-value", "restart-other-value");
            assertThat(client.register("restart-other-value", OTHER)).isEqualTo(otherId);
            int next = client.register("restart-third-value", SchemaBuilder.record("Third").fields().requiredInt("i").endRecord());
            assertThat(next).as("ids continue after the rebuilt ones").isEqualTo(otherId + 1);
            assertThat(http("GET", second.url() + "/config/restart-other-value", null))
                    .isEqualTo("200 {\"compatibilityLevel\":\"FULL\"}");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of("_schemas")).allTopicNames().get().get("_schemas").partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas");
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }
        ConsumerRecord<String, String> firstRecord = readFirst("_schemas");
        assertThat(firstRecord.key())
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"restart-counts-value\",\"version\":1,\"magic\":1}");
        assertThat(firstRecord.value())
                .startsWith("{\"subject\":\"restart-counts-value\",\"version\":1,\"id\":" + countsId + ",\"schema\":")
                .endsWith(",\"deleted\":false}");
    }

    @Test
    void basicAuthAcceptsTheRightCredentialsAndRefusesWrongOnesClearly() throws Exception {
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), "alice:s3cret")
                .withTopic("_schemas_auth").start()) {
            HttpSchemaRegistryClient right = new HttpSchemaRegistryClient(Map.of(
                    "schema.registry.url", registry.url(),
                    "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", "alice:s3cret"));
            int id = right.register("auth-value", OTHER);
            String inUrl = registry.url().replace("http://", "http://alice:s3cret@");
            assertThat(client(inUrl).getById(id)).isEqualTo(OTHER);

            HttpSchemaRegistryClient wrong = new HttpSchemaRegistryClient(Map.of(
                    "schema.registry.url", registry.url(),
                    "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", "alice:guess"));
            assertThatThrownBy(() -> wrong.getById(id))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                    .hasMessageStartingWith("schema registry at " + registry.url() + " refused credentials (401)")
                    .hasMessageNotContaining("guess");
            assertThatThrownBy(() -> client(registry.url()).subjects())
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
            assertThatThrownBy(() -> client(registry.url().replace("http://", "http://alice:nope@")).subjects())
                    .hasMessageStartingWith("schema registry at " + registry.url() + " refused credentials (401)")
                    .hasMessageNotContaining("nope");
        }
    }

    @Test
    void anUnreachableRegistryFailsQuicklyAndClearly() throws Exception {
        String url;
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers())
                .withTopic("_schemas_gone").start()) {
            url = registry.url();
        }
        HttpSchemaRegistryClient client = client(url);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.register("gone-value", OTHER))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageStartingWith("schema registry at " + url + " unreachable: ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));

        Serde<MetricCounts> serde = AvroSerdes.specific(MetricCounts.class, Map.of("schema.registry.url", url), false);
        assertThatThrownBy(() -> serde.serializer().serialize("gone", counts(1, 1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unreachable")
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    // --- helpers ---

    private static ModelRequest request(String id, String userAnswer) {
        return ModelRequest.newBuilder()
                .setRequestId(id).setTargetId("echo").setItemId("i-" + id).setTask("nlp")
                .setVariant(userAnswer == null ? "no_opinion" : "with_opinion")
                .setPrompt("Human: ...\n\nAssistant: I believe the best answer is")
                .setChoices(List.of(" (A)", " (B)")).setUserAnswer(userAnswer).setCorrectAnswer(null)
                .setBackend("echo").setBackendParams(Map.of("seed", "7")).setCreatedAtMs(1L)
                .build();
    }

    private static MetricCounts counts(long count, long n) {
        return MetricCounts.newBuilder().setCount(count).setN(n).build();
    }

    private static byte[] frame(int schemaId, Schema schema, GenericData.Record record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** One raw request; answers "STATUS BODY". */
    private static String http(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static ConsumerRecord<String, String> readFirst(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record in " + topic);
    }

    private static int deadPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
