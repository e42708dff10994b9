package dev.sycostream.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The broker's own limit on this machine: a plain producer (acks=all, idempotent, otherwise default settings)
 * sending records of a given key and value size into a fresh topic, and a plain consumer reading one back.
 * Keys are 64 hex characters (like a request id), values random bytes (incompressible).
 */
public final class RawLimit {
    /** Records per second of one measurement. */
    public record Rate(long records, double seconds) {
        public double perSecond() {
            return records / seconds;
        }
    }

    /** One measurement: both producers, the consumer, and the process CPU per record of the 6-partition producer. */
    public record Measured(Rate p1, Rate p6, Rate consumed, double cpuPerRecordUs) {
        /** The faster producer's rate. */
        public double limit() {
            return Math.max(p1.perSecond(), p6.perSecond());
        }
    }

    private final Map<String, Object> clientConfig;
    private final byte[][] keys;
    private final byte[] value;

    public RawLimit(Map<String, Object> clientConfig, int valueBytes, long seed) {
        this.clientConfig = clientConfig;
        Random random = new Random(seed);
        keys = new byte[4096][];
        for (int i = 0; i < keys.length; i++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            keys[i] = HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII);
        }
        value = new byte[valueBytes];
        random.nextBytes(value);
    }

    /**
     * After a warm-up pass of at most 50,000 records: {@code records} into a fresh 1-partition topic, then into a
     * fresh 6-partition topic (its process CPU per record measured), then read back from the latter.
     */
    public static Measured measure(Map<String, Object> clientConfig, int valueBytes, long seed, long records) {
        RawLimit raw = new RawLimit(clientConfig, valueBytes, seed);
        raw.createTopic("bench.raw.warmup", 1);
        raw.createTopic("bench.raw.p1", 1);
        raw.createTopic("bench.raw.p6", 6);
        raw.produce("bench.raw.warmup", Math.min(records, 50_000)); // JIT and broker warm-up
        Rate p1 = raw.produce("bench.raw.p1", records);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        Rate p6 = raw.produce("bench.raw.p6", records);
        double cpuPerRecordUs = (os.getProcessCpuTime() - cpu0) / 1e3 / records;
        return new Measured(p1, p6, raw.consume("bench.raw.p6", records), cpuPerRecordUs);
    }

    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(clientConfig)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends {@code records} records and waits until every one is acknowledged; time from first send to flush end. */
    public Rate produce(String topic, long records) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-bench-raw-producer");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic); // metadata fetched before the clock starts
            long t0 = System.nanoTime();
            for (long i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, keys[(int) (i % keys.length)], value), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            long t1 = System.nanoTime();
            if (failure.get() != null) {
                throw new IllegalStateException("raw producer failed: " + failure.get(), failure.get());
            }
            return new Rate(records, (t1 - t0) / 1e9);
        }
    }

    /** Reads {@code expected} records of a topic from the beginning; time from the first poll to the last record. */
    public Rate consume(String topic, long expected) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-bench-raw-consumer");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long seen = 0;
            long bytes = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + Duration.ofMinutes(5).toNanos();
            while (seen < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw consumer read only " + seen + " of " + expected + " records");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var r : records) {
                    bytes += r.value().length; // touch every record
                }
                seen += records.count();
            }
            long t1 = System.nanoTime();
            if (bytes < 0) {
                throw new AssertionError();
            }
            return new Rate(seen, (t1 - t0) / 1e9);
        }
    }
}
