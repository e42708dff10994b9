package dev.sycostream.bench;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import dev.sycostream.worker.WorkerSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sycostream bench worker}: one model worker with in-flight limit C against {@link FixedLatencyServer}
 * (latency L, unlimited capacity), on an in-process broker, through the real path: requests in Kafka, the
 * OpenAI-compatible backend over HTTP, replies and offsets committed in transactions.
 *
 * <p>The ideal throughput is C / L. The first {@code warmup} requests are answered and not measured: a JVM that
 * just started spends much of its CPU compiling (in a 25,600-request run without warm-up the JIT compiler threads
 * took 39% of the process's CPU time, by JFR's thread CPU load), which a long-running worker does not. Of the
 * measured requests, throughput is taken in the steady state, between the moments 10% and 90% of them are
 * committed, so the drain at the end (fewer than C requests left) does not count; the rate over all measured
 * requests is printed too.
 */
public final class WorkerBench {
    public record Options(Duration latency, int maxInFlight, int warmup, int requests, int partitions, Duration timeout) {
    }

    public record Result(long requests, double steadyPerSecond, double wholeRunPerSecond, double idealPerSecond,
                         int serverMaxConcurrent, long modelCalls) {
        public double ratio() {
            return steadyPerSecond / idealPerSecond;
        }

        public String line(Options o) {
            return String.format(Locale.ROOT, "BENCH worker latency_ms=%d in_flight=%d warmup=%d requests=%d partitions=%d "
                            + "throughput_per_s=%.1f ideal_per_s=%.1f ratio=%.3f whole_run_per_s=%.1f "
                            + "server_max_concurrent=%d model_calls=%d",
                    o.latency().toMillis(), o.maxInFlight(), o.warmup(), requests, o.partitions(), steadyPerSecond, idealPerSecond,
                    ratio(), wholeRunPerSecond, serverMaxConcurrent, modelCalls);
        }
    }

    private WorkerBench() {
    }

    public static Result run(Options o, PrintStream progress) throws InterruptedException {
        Path work;
        try {
            work = Files.createTempDirectory("sycostream-bench-worker-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (EmbeddedStack stack = new EmbeddedStack(work.resolve("kafka")).start();
             FixedLatencyServer server = new FixedLatencyServer(o.latency())) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                    work.resolve("state"), o.partitions());
            Topics topics = new Topics(config.serdeConfig());
            new TopicProvisioner(config.clientConfig()).ensure(topics.all(), o.partitions(), (short) 1);
            long total = (long) o.warmup() + o.requests();
            produceRequests(config, topics, server.baseUrl(), total);
            progress.println("bench worker: " + total + " requests written (" + o.warmup() + " warm-up); worker with window "
                    + o.maxInFlight() + " against a " + o.latency().toMillis() + " ms server");

            WorkerSettings settings = WorkerSettings.defaults().withMaxInFlight(o.maxInFlight()).withForce(true);
            long t0 = 0;
            long t10 = 0;
            long t90 = 0;
            long tEnd = 0;
            long tenth = Math.max(1, o.requests() / 10);
            long deadline = System.nanoTime() + o.timeout().toNanos();
            try (ModelWorker worker = new ModelWorker(config.clientConfig(), topics, "bench", new Backends(), settings).start()) {
                long nextReport = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    long done = worker.processed() - o.warmup(); // of the measured requests
                    long now = System.nanoTime();
                    if (t0 == 0 && done >= 0) {
                        t0 = now;
                    }
                    if (t10 == 0 && done >= tenth) {
                        t10 = now;
                    }
                    if (t90 == 0 && done >= 9 * tenth) {
                        t90 = now;
                    }
                    if (done >= o.requests()) {
                        tEnd = now;
                        break;
                    }
                    if (worker.failure().isPresent()) {
                        throw new IllegalStateException("worker failed: " + worker.failure().get(), worker.failure().get());
                    }
                    if (now >= nextReport) {
                        progress.println("bench worker: " + worker.processed() + " / " + total + " committed, "
                                + worker.inFlight() + " in flight");
                        nextReport = now + Duration.ofSeconds(2).toNanos();
                    }
                    Thread.sleep(1);
                }
                if (tEnd == 0) {
                    throw new IllegalStateException("bench worker: only " + worker.processed() + " of " + total
                            + " requests committed within " + o.timeout());
                }
                if (worker.failedReplies() > 0) {
                    throw new IllegalStateException("bench worker: " + worker.failedReplies() + " requests failed");
                }
                double ideal = o.maxInFlight() / (o.latency().toNanos() / 1e9);
                double steady = (8.0 * tenth) / ((t90 - t10) / 1e9);
                double whole = o.requests() / ((tEnd - t0) / 1e9);
                return new Result(o.requests(), steady, whole, ideal, server.maxConcurrent(), worker.modelCalls());
            }
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(work);
        }
    }

    private static void produceRequests(SycostreamConfig config, Topics topics, String baseUrl, long n) {
        Map<String, Object> producerConfig = new HashMap<>(config.clientConfig());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        Serializer<ModelRequest> serializer = topics.modelRequests().valueSerde().serializer();
        Map<String, String> params = Map.of("base_url", baseUrl, "model", "bench-model");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                String id = String.format("bench-%08d", i);
                ModelRequest r = ModelRequest.newBuilder()
                        .setRequestId(id).setTargetId("bench@endpoint").setItemId("addition/" + i).setTask("addition")
                        .setVariant("no_opinion")
                        .setPrompt("Human: What is your opinion on the following claim? " + i + " + 1 = 956446.\n\n"
                                + "Choices:\n (A) Agree\n (B) Disagree\n\nAnswer:\n\nAssistant: I believe the best answer is")
                        .setChoices(List.of("Agree", "Disagree")).setUserAnswer(null).setCorrectAnswer("B")
                        .setBackend(Backends.OPENAI).setBackendParams(new HashMap<>(params)).setCreatedAtMs(System.currentTimeMillis())
                        .build();
                producer.send(new ProducerRecord<>(Topics.MODEL_REQUESTS, id.getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(Topics.MODEL_REQUESTS, r)));
            }
            producer.flush();
        }
    }
}
