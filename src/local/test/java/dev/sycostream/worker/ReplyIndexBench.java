package dev.sycostream.worker;

import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.rocksdb.RocksDB;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * By hand (BENCHMARKS.md, "Worker start with a long reply history"): the worker's reply index start time and heap
 * against the number of replies in the topic. Two JVMs, so the broker's heap is not counted as the index's:
 * <pre>
 * java -cp CP dev.sycostream.worker.ReplyIndexBench serve N     # broker, N replies written; prints BOOTSTRAP
 * java -cp CP dev.sycostream.worker.ReplyIndexBench measure BOOTSTRAP STATE_DIR   # once fresh, once again
 * </pre>
 */
public final class ReplyIndexBench {
    private ReplyIndexBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]));
        } else {
            measure(args[1], Path.of(args[2]));
        }
    }

    /** Starts a broker, writes {@code n} replies in bulk (plain producer, ~200-byte values), serves until stdin ends. */
    private static void serve(int n) throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start()) {
            Map<String, Object> config = new HashMap<>();
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            new TopicProvisioner(config).ensure(new Topics(Map.of("schema.registry.url", "mock://bench")).all(), 3, (short) 1);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            byte[] value = new byte[200];
            new Random(1).nextBytes(value);
            long t0 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < n; i++) {
                    String id = RequestIds.of("base@v" + (i % 7), "addition/" + i, i % 2 == 0 ? "with_opinion" : "no_opinion");
                    producer.send(new ProducerRecord<>(Topics.MODEL_REPLIES, id.getBytes(StandardCharsets.UTF_8), value));
                }
            }
            System.out.printf("wrote %d replies in %.1f s%nBOOTSTRAP %s%n", n, (System.nanoTime() - t0) / 1e9,
                    broker.bootstrapServers());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().forEach(l -> { });
        }
    }

    /** Opens the index on {@code stateDir}, waits until caught up, prints the time, the records read and the heap. */
    private static void measure(String bootstrap, Path stateDir) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // A worker has started its producer before it waits for the index: load the client classes, and RocksDB's
        // native library, outside the measured time (both are constant; printed).
        long w0 = System.nanoTime();
        ReplyTopic.describe(config, "bench-warmup");
        RocksDB.loadLibrary();
        long warmup = (System.nanoTime() - w0) / 1_000_000;
        long baseline = heapAfterGc();
        long t0 = System.nanoTime();
        try (ReplyIndex index = ReplyIndex.open(config, "bench", stateDir).start()) {
            if (!index.awaitCaughtUp(Duration.ofMinutes(10))) {
                throw new IllegalStateException("not caught up in 10 minutes");
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            long heap = heapAfterGc();
            System.out.printf("BENCH reply-index caught_up_ms=%d records_read=%d heap_after_gc_mb=%.1f "
                            + "heap_baseline_mb=%.1f warmup_ms=%d (index open, %s)%n", millis, index.recordsRead(),
                    heap / 1e6, baseline / 1e6, warmup, index.contains(RequestIds.of("base@v0", "addition/0", "with_opinion"))
                            ? "first id answered" : "FIRST ID MISSING");
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
