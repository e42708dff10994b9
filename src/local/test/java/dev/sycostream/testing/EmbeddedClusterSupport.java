package dev.sycostream.testing;

import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.registry.EmbeddedSchemaRegistry;
import dev.sycostream.serde.AvroSerdeConfig;
import dev.sycostream.topics.Topic;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * For integration tests: a real in-process broker and schema registry with every pipeline topic provisioned
 * (3 partitions), plus small helpers to write raw records and read a topic back, read_committed.
 */
public final class EmbeddedClusterSupport implements AutoCloseable {
    public static final int PARTITIONS = 3;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Topics topics;

    private EmbeddedClusterSupport(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
        this.topics = new Topics(serdeConfig());
    }

    public static EmbeddedClusterSupport start() {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start();
        try {
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start();
            EmbeddedClusterSupport cluster = new EmbeddedClusterSupport(broker, registry);
            List<String> drift = new TopicProvisioner(cluster.clientConfig()).ensure(cluster.topics.all(), PARTITIONS, (short) 1);
            if (!drift.isEmpty()) {
                throw new IllegalStateException("fresh topics differ from their declaration: " + drift);
            }
            return cluster;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public Map<String, Object> clientConfig() {
        Map<String, Object> m = new HashMap<>();
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return m;
    }

    public Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    public Topics topics() {
        return topics;
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** Writes records as given, synchronously; values may be anything, including bytes no serde can read. */
    public void sendRaw(String topic, List<Map.Entry<String, byte[]>> records) {
        Map<String, Object> config = clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> r : records) {
                byte[] key = r.getKey() == null ? null : r.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, r.getValue())).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot write test records to " + topic + ": " + e, e);
        }
    }

    /** Serializes with the topic's serdes and writes synchronously. */
    public <V> void send(Topic<String, V> topic, List<Map.Entry<String, V>> records) {
        List<Map.Entry<String, byte[]>> raw = new ArrayList<>();
        for (Map.Entry<String, V> r : records) {
            raw.add(Map.entry(r.getKey(), topic.valueSerde().serializer().serialize(topic.name(), r.getValue())));
        }
        sendRaw(topic.name(), raw);
    }

    /**
     * Reads {@code topic} from the beginning (read_committed, no group) until {@code until} accepts what was read
     * or {@code timeout} passes, then keeps reading for {@code settle} to catch records beyond the expected ones.
     */
    public <V> List<ConsumerRecord<String, V>> read(Topic<String, V> topic, Predicate<List<ConsumerRecord<String, V>>> until,
                                                   Duration timeout, Duration settle) {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, V>> read = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!until.test(read) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            long settleEnd = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleEnd) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    /** Waits up to {@code timeout} for {@code condition}; false if it never held. */
    public static boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }
}
