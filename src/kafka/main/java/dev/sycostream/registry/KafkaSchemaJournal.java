package dev.sycostream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.sycostream.json.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's durable log: a compacted, single-partition Kafka topic ({@code _schemas}), as the real
 * Confluent registry keeps it. Each registration and each compatibility change is one record, keyed so
 * compaction keeps the newest of each; replaying the topic from the start rebuilds the whole state, which
 * is why a restarted registry hands out the same ids.
 */
final class KafkaSchemaJournal implements SchemaStore.Journal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaJournal.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final String topic;
    private final KafkaProducer<String, String> producer;

    private KafkaSchemaJournal(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        // acks=all + idempotence: a registration is answered only once it cannot be lost or duplicated.
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis(),
                ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-writer"),
                new StringSerializer(), new StringSerializer());
    }

    /** Creates the topic if needed and connects the writer. */
    static KafkaSchemaJournal open(String bootstrapServers, String topic) {
        createTopicIfAbsent(bootstrapServers, topic);
        return new KafkaSchemaJournal(bootstrapServers, topic);
    }

    private static void createTopicIfAbsent(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            // The broker's default replication: 1 on the embedded broker, the cluster's (e.g. 3) on a real one, where
            // a single replica would lose every schema id with one disk and, under min.insync.replicas=2, refuse writes.
            NewTopic newTopic = new NewTopic(topic, java.util.Optional.of(1), java.util.Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                log.info("created schema topic {} (compacted)", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create schema topic " + topic + ": " + e.getCause(), e.getCause());
                }
                warnIfNotCompacted(admin, topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating schema topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not create " + topic + " in time", e);
        }
    }

    /** A deleting cleanup policy would one day lose schemas still referenced by data: say so loudly. */
    private static void warnIfNotCompacted(Admin admin, String topic) throws InterruptedException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                log.warn("schema topic {} has cleanup.policy={}, not compact: old schemas may be deleted", topic, policy);
            }
        } catch (ExecutionException e) {
            log.warn("cannot check the cleanup policy of {}: {}", topic, e.getCause().toString());
        }
    }

    /** Reads the topic from its start to its current end into {@code store}; returns the records read. */
    int replayInto(SchemaStore store) {
        TopicPartition partition = new TopicPartition(topic, 0);
        int count = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), REPLAY_TIMEOUT).get(partition);
            long deadline = System.nanoTime() + REPLAY_TIMEOUT.toNanos();
            while (consumer.position(partition, REPLAY_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end (" + end + ") in "
                            + REPLAY_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(store, record.key(), record.value());
                    count++;
                }
            }
        }
        return count;
    }

    private void apply(SchemaStore store, String keyJson, String valueJson) {
        try {
            JsonNode key = JSON.readTree(keyJson);
            String keyType = key.path("keytype").asText("");
            if (valueJson == null) {
                return; // a tombstone: nothing this registry writes or needs to rebuild
            }
            JsonNode value = JSON.readTree(valueJson);
            switch (keyType) {
                case "SCHEMA" -> {
                    Schema schema = new Schema.Parser().parse(value.get("schema").asText());
                    int id = value.get("id").asInt();
                    if (value.path("deleted").asBoolean(false)) {
                        store.rememberId(id, schema);
                    } else {
                        store.apply(new RegisteredSchema(value.get("subject").asText(), value.get("version").asInt(), id, schema));
                    }
                }
                case "CONFIG" -> {
                    JsonNode subject = key.get("subject");
                    store.applyLevel(subject == null || subject.isNull() ? null : subject.asText(),
                            AvroCompatibility.parse(value.get("compatibilityLevel").asText()));
                }
                default -> log.debug("ignoring {} record in {}", keyType, topic);
            }
        } catch (IOException | RuntimeException e) {
            // One bad record must not make the registry unusable; it is skipped with its key for diagnosis.
            log.warn("skipping unreadable record in {} (key {}): {}", topic, keyJson, e.toString());
        }
    }

    @Override
    public void schemaRegistered(RegisteredSchema registered) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", registered.subject());
        key.put("version", registered.version());
        key.put("magic", 1);
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", registered.subject());
        value.put("version", registered.version());
        value.put("id", registered.id());
        value.put("schema", registered.schema().toString());
        value.put("deleted", false);
        write(key, value);
    }

    @Override
    public void compatibilitySet(String subject, AvroCompatibility level) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        ObjectNode value = JSON.createObjectNode();
        value.put("compatibilityLevel", level.name());
        write(key, value);
    }

    /** Blocks until the broker acknowledged the record (acks=all), so the HTTP answer follows durability. */
    private void write(ObjectNode key, ObjectNode value) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key.toString(), value.toString()))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SchemaRegistryException("Error while writing to " + topic + ": " + e.getCause(),
                    500, SchemaRegistryException.STORE_ERROR, e.getCause());
        } catch (TimeoutException e) {
            throw new SchemaRegistryException("Timed out writing to " + topic + " after " + WRITE_TIMEOUT.toSeconds() + " s",
                    500, SchemaRegistryException.OPERATION_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while writing to " + topic,
                    500, SchemaRegistryException.STORE_ERROR, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new SchemaRegistryException("Error while writing to " + topic + ": " + e,
                    500, SchemaRegistryException.STORE_ERROR, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
