package dev.sycostream.worker;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.testing.EmbeddedClusterSupport;
import dev.sycostream.topics.Topics;
import dev.sycostream.worker.backend.SimulatedModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.sycostream.testing.EmbeddedClusterSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The worker against a real broker and registry: exactly one reply per request, nothing lost or dropped. */
class ModelWorkerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Map<String, String> TARGET_A = Map.of("sycophancy", "0.8", "knowledge", "0.9", "seed", "7");
    private static final Map<String, String> TARGET_B = Map.of("sycophancy", "0.1", "knowledge", "0.5", "seed", "11");

    private static EmbeddedClusterSupport cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedClusterSupport.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Alternates addition (correct answer known) and Perez-style (none) requests, with and without a user view. */
    private static ModelRequest request(String id, String target, String backend, Map<String, String> params, int i) {
        boolean addition = i % 2 == 0;
        return ModelRequest.newBuilder()
                .setRequestId(id).setTargetId(target).setItemId((addition ? "addition/" : "nlp_survey/") + i)
                .setTask(addition ? "addition" : "nlp_survey")
                .setVariant(i % 3 == 0 ? "no_opinion" : "with_opinion")
                .setPrompt("Human: question " + i + "\n\nAssistant: I believe the best answer is")
                .setChoices(addition ? List.of("Agree", "Disagree") : List.of("Agree", "Disagree", "Neutral"))
                .setUserAnswer(i % 3 == 0 ? null : "A")
                .setCorrectAnswer(addition ? "B" : null)
                .setBackend(backend).setBackendParams(new HashMap<>(params)).setCreatedAtMs(1L)
                .build();
    }

    private static List<ConsumerRecord<String, ModelReply>> replies(String prefix, int expected) {
        List<ConsumerRecord<String, ModelReply>> all = cluster.read(cluster.topics().modelReplies(),
                read -> read.stream().filter(r -> r.key().startsWith(prefix)).count() >= expected,
                TIMEOUT, Duration.ofSeconds(2));
        return all.stream().filter(r -> r.key().startsWith(prefix)).toList();
    }

    @Test
    void answersEveryRequestOnceDeadLettersGarbageAndRepliesWithErrors() throws Exception {
        List<ModelRequest> simulated = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean a = i % 4 != 0;
            simulated.add(request("main-" + i, a ? "base" : "other", "simulated", a ? TARGET_A : TARGET_B, i));
        }
        ModelRequest unknownBackend = request("main-nope", "base", "nope", Map.of(), 0);
        ModelRequest badParams = request("main-badparams", "base", "simulated", Map.of("knowledge", "0.5"), 0);
        ModelRequest flaky = request("main-flaky", "base", "flaky", Map.of(), 0);
        ModelRequest down = request("main-down", "base", "down", Map.of(), 0);
        List<Map.Entry<String, ModelRequest>> toSend = new ArrayList<>();
        simulated.forEach(r -> toSend.add(Map.entry(r.getRequestId(), r)));
        for (ModelRequest r : List.of(unknownBackend, badParams, flaky, down)) {
            toSend.add(Map.entry(r.getRequestId(), r));
        }
        cluster.send(cluster.topics().modelRequests(), toSend);
        byte[] garbage = "definitely not Avro".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchema = ByteBuffer.allocate(7).put((byte) 0).putInt(9999).put((byte) 2).put((byte) 'x').array();
        cluster.sendRaw(Topics.MODEL_REQUESTS, List.of(Map.entry("main-garbage", garbage),
                Map.entry("main-unknown-schema", unknownSchema)));
        int total = toSend.size() + 2;

        // "flaky" fails twice per request before answering; "down" never answers.
        Map<String, Integer> calls = new ConcurrentHashMap<>();
        Backends backends = new Backends()
                .with("flaky", params -> r -> {
                    if (calls.merge(r.getRequestId(), 1, Integer::sum) < 3) {
                        throw new BackendException("flaky: overloaded", true);
                    }
                    return " (B) Disagree";
                })
                .with("down", params -> r -> {
                    throw new BackendException("down: connection refused", true);
                });

        try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-main", backends).start()) {
            List<ConsumerRecord<String, ModelReply>> replies = replies("main-", toSend.size());

            assertThat(replies).as("exactly one reply per request").hasSize(toSend.size());
            Map<String, ModelReply> byId = replies.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
            assertThat(byId).hasSize(toSend.size());
            for (ModelRequest r : simulated) {
                ModelReply reply = byId.get(r.getRequestId());
                String expected = SimulatedModel.fromParams(r.getBackendParams()).answer(r);
                assertThat(reply.getText()).as(r.getRequestId()).isEqualTo(expected);
                assertThat(reply.getError()).isNull();
                assertThat(reply.getRequestId()).isEqualTo(r.getRequestId());
                assertThat(reply.getTargetId()).isEqualTo(r.getTargetId());
                assertThat(reply.getWorkerId()).isEqualTo("it-main");
                assertThat(reply.getAttempts()).isEqualTo(1);
            }
            // The simulated targets differ, so the answers are not all one constant.
            assertThat(simulated.stream().map(r -> byId.get(r.getRequestId()).getText()).distinct().count()).isGreaterThan(2);

            ModelReply nope = byId.get("main-nope");
            assertThat(nope.getText()).isNull();
            assertThat(nope.getError()).isEqualTo("unknown backend 'nope'; known: simulated, openai, local, flaky, down");
            assertThat(nope.getAttempts()).as("permanent failures are not retried").isEqualTo(1);
            ModelReply invalid = byId.get("main-badparams");
            assertThat(invalid.getText()).isNull();
            assertThat(invalid.getError()).contains("invalid params for backend 'simulated'").contains("sycophancy is required");
            ModelReply retried = byId.get("main-flaky");
            assertThat(retried.getText()).isEqualTo(" (B) Disagree");
            assertThat(retried.getError()).isNull();
            assertThat(retried.getAttempts()).isEqualTo(3);
            ModelReply gaveUp = byId.get("main-down");
            assertThat(gaveUp.getText()).isNull();
            assertThat(gaveUp.getError()).isEqualTo("down: connection refused");
            assertThat(gaveUp.getAttempts()).isEqualTo(ModelWorker.MAX_ATTEMPTS);

            List<DeadLetter> letters = cluster.read(cluster.topics().deadletter(),
                            read -> read.stream().filter(r -> r.value().getStage().equals("worker")
                                    && r.value().getOriginalKey() != null
                                    && new String(bytes(r.value().getOriginalKey()), StandardCharsets.UTF_8).startsWith("main-")).count() >= 5,
                            TIMEOUT, Duration.ofSeconds(1))
                    .stream().map(ConsumerRecord::value).filter(d -> d.getStage().equals("worker")
                            && d.getOriginalKey() != null
                            && new String(bytes(d.getOriginalKey()), StandardCharsets.UTF_8).startsWith("main-")).toList();
            assertThat(letters).as("2 unreadable records + 3 failed requests").hasSize(5);
            Map<String, DeadLetter> byKey = letters.stream().collect(Collectors.toMap(
                    d -> new String(bytes(d.getOriginalKey()), StandardCharsets.UTF_8), Function.identity()));
            assertThat(byKey.get("main-down").getReason())
                    .isEqualTo("target base, request main-down: down: connection refused (3 attempts)");
            assertThat(byKey.get("main-nope").getReason()).contains("unknown backend 'nope'").endsWith("(1 attempt)");
            assertThat(byKey.get("main-badparams").getReason()).contains("sycophancy is required");
            letters = letters.stream().filter(d -> d.getReason().startsWith("cannot deserialize")).toList();
            assertThat(letters).hasSize(2);
            Map<String, DeadLetter> byValue = letters.stream().collect(Collectors.toMap(
                    d -> new String(bytes(d.getOriginalValue()), StandardCharsets.ISO_8859_1), Function.identity()));
            DeadLetter garbageLetter = byValue.get(new String(garbage, StandardCharsets.ISO_8859_1));
            assertThat(garbageLetter).as("dead letter carrying the garbage bytes").isNotNull();
            assertThat(bytes(garbageLetter.getOriginalKey())).isEqualTo("main-garbage".getBytes(StandardCharsets.UTF_8));
            assertThat(garbageLetter.getReason()).startsWith("cannot deserialize a ModelRequest: ");
            assertThat(garbageLetter.getSource()).matches("sycostream\\.model\\.requests/[0-2]/\\d+");
            assertThat(garbageLetter.getErrorClass()).isNotNull();
            DeadLetter unknownLetter = byValue.get(new String(unknownSchema, StandardCharsets.ISO_8859_1));
            assertThat(unknownLetter).as("dead letter carrying the unknown-schema bytes").isNotNull();
            assertThat(unknownLetter.getReason()).contains("schema id 9999 not found");

            assertThat(await(() -> worker.processed() == total, TIMEOUT)).as("processed() counts every record").isTrue();
            assertThat(worker.deadLettered()).isEqualTo(2);
            assertThat(worker.failedReplies()).isEqualTo(3);
            assertThat(worker.abortedBatches()).isZero();
            assertThat(worker.failure()).isEmpty();
        }
    }

    @Test
    void aNewWorkerResumesAfterTheCommittedOffsetsWithoutRepeatingReplies() throws Exception {
        List<Map.Entry<String, ModelRequest>> first = new ArrayList<>();
        List<Map.Entry<String, ModelRequest>> second = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            first.add(Map.entry("resume-1-" + i, request("resume-1-" + i, "base", "simulated", TARGET_A, i)));
            second.add(Map.entry("resume-2-" + i, request("resume-2-" + i, "base", "simulated", TARGET_A, i)));
        }
        cluster.send(cluster.topics().modelRequests(), first);
        try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-resume-a", new Backends()).start()) {
            assertThat(replies("resume-1-", first.size())).hasSize(first.size());
        }
        cluster.send(cluster.topics().modelRequests(), second);
        try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-resume-b", new Backends()).start()) {
            List<ConsumerRecord<String, ModelReply>> all = replies("resume-", first.size() + second.size());

            assertThat(all).as("one reply per request across both workers").hasSize(first.size() + second.size());
            assertThat(all.stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(first.size() + second.size());
            assertThat(all).filteredOn(r -> r.key().startsWith("resume-1-"))
                    .allSatisfy(r -> assertThat(r.value().getWorkerId()).isEqualTo("it-resume-a"));
            assertThat(all).filteredOn(r -> r.key().startsWith("resume-2-"))
                    .allSatisfy(r -> assertThat(r.value().getWorkerId()).isEqualTo("it-resume-b"));
        }
    }

    @Test
    void aFencedWorkerStopsAndItsSuccessorAnswersTheRequestOnce() throws Exception {
        ModelRequest before = request("fence-1", "base", "simulated", TARGET_A, 1);
        ModelRequest after = request("fence-2", "base", "simulated", TARGET_A, 2);
        cluster.send(cluster.topics().modelRequests(), List.of(Map.entry(before.getRequestId(), before)));
        ModelWorker old = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-fence", new Backends()).start();
        try {
            assertThat(replies("fence-1", 1)).hasSize(1);

            // A newer incarnation with the same transactional id: from now on the old producer is a zombie.
            Map<String, Object> config = cluster.clientConfig();
            config.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sycostream-worker-it-fence");
            try (var zombieKiller = new org.apache.kafka.clients.producer.KafkaProducer<>(config,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                zombieKiller.initTransactions();
            }
            cluster.send(cluster.topics().modelRequests(), List.of(Map.entry(after.getRequestId(), after)));

            assertThat(await(() -> !old.isRunning(), TIMEOUT)).as("the fenced worker stops by itself").isTrue();
            assertThat(old.failure()).get().isInstanceOf(org.apache.kafka.common.errors.ProducerFencedException.class);
        } finally {
            old.close();
        }
        try (ModelWorker successor = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-fence", new Backends()).start()) {
            List<ConsumerRecord<String, ModelReply>> replies = replies("fence-", 2);
            assertThat(replies).as("the zombie's aborted work is invisible; each request answered once")
                    .extracting(ConsumerRecord::key).containsExactlyInAnyOrder("fence-1", "fence-2");
            ModelReply second = replies.stream().filter(r -> r.key().equals("fence-2")).findFirst().orElseThrow().value();
            assertThat(second.getText()).isEqualTo(SimulatedModel.fromParams(TARGET_A).answer(after));
        }
    }

    @Test
    void closeStopsTheLoopAndAWorkerThatNeverStartedClosesCleanly() throws Exception {
        ModelWorker idle = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-idle", new Backends());
        idle.close();
        assertThat(idle.isRunning()).isFalse();

        ModelWorker running = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-close", new Backends()).start();
        assertThat(running.isRunning()).isTrue();
        long t0 = System.nanoTime();
        running.close();
        assertThat(running.isRunning()).isFalse();
        assertThat(running.failure()).as("a requested stop is not a failure").isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
