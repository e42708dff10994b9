package dev.sycostream.worker;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.testing.EmbeddedClusterSupport;
import dev.sycostream.testing.ScriptedOpenAiServer;
import dev.sycostream.testing.ScriptedOpenAiServer.Answer;
import dev.sycostream.testing.ScriptedOpenAiServer.Call;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.sycostream.testing.EmbeddedClusterSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model workers on a real broker calling a real HTTP server on loopback that speaks the OpenAI formats, scripted
 * per request: every scripted case ends in the right reply, retry or dead letter; and two workers in one group
 * share a load with nothing lost or answered twice.
 */
class OpenAiWorkerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
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

    private static ModelRequest request(String id, String target, Map<String, String> params) {
        return ModelRequest.newBuilder()
                .setRequestId(id).setTargetId(target).setItemId("nlp_survey/" + id).setTask("nlp_survey")
                .setVariant("with_opinion")
                .setPrompt("Human: case " + id + "?\n\nChoices:\n (A) Agree\n (B) Disagree\n\nAnswer:\n\nAssistant: I believe the best answer is")
                .setChoices(List.of("Agree", "Disagree")).setUserAnswer("A").setCorrectAnswer(null)
                .setBackend("openai").setBackendParams(new HashMap<>(params)).setCreatedAtMs(1L).build();
    }

    /** The request id the server was asked about, from the user message or the prompt. */
    private static String caseOf(Call call) {
        String text = call.body().has("messages") ? call.body().get("messages").get(0).get("content").asText()
                : call.body().get("prompt").asText();
        int at = text.indexOf("case ");
        return text.substring(at + 5, text.indexOf('?', at));
    }

    private static List<ConsumerRecord<String, ModelReply>> replies(String prefix, int expected) {
        return cluster.read(cluster.topics().modelReplies(),
                        read -> read.stream().filter(r -> r.key().startsWith(prefix)).count() >= expected,
                        TIMEOUT, Duration.ofSeconds(2))
                .stream().filter(r -> r.key().startsWith(prefix)).toList();
    }

    @Test
    void everyScriptedCaseEndsInTheRightReplyRetryOrDeadLetter() throws Exception {
        Map<String, AtomicInteger> callsPerCase = new ConcurrentHashMap<>();
        Map<String, List<Long>> callTimes = new ConcurrentHashMap<>();
        Map<String, Double> lp = new LinkedHashMap<>();
        lp.put(" A", Math.log(0.7));
        lp.put(" B", Math.log(0.2));
        lp.put(" The", Math.log(0.1));
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(call -> {
            String id = caseOf(call);
            int n = callsPerCase.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            callTimes.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(System.nanoTime());
            return switch (id) {
                case "c-normal" -> Answer.ok(ScriptedOpenAiServer.chat(" (B) Disagree"));
                case "c-noletter" -> Answer.ok(ScriptedOpenAiServer.chat("That is a matter of taste."));
                case "c-429" -> n == 1
                        ? new Answer(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "1"), 0)
                        : Answer.ok(ScriptedOpenAiServer.chat(" (A)"));
                case "c-500" -> new Answer(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}", Map.of(), 0);
                case "c-slow" -> n == 1 ? Answer.ok(ScriptedOpenAiServer.chat(" (A)")).after(1_500)
                        : Answer.ok(ScriptedOpenAiServer.chat(" (B)"));
                case "c-malformed" -> Answer.ok("{\"choices\":[{\"message\":{\"content\": \" (A)\"");
                case "c-logprobs" -> Answer.ok(ScriptedOpenAiServer.completionLogprobs(lp));
                case "c-nologprobs" -> Answer.ok(ScriptedOpenAiServer.completion(" A"));
                default -> new Answer(404, "no such case", Map.of(), 0);
            };
        })) {
            Map<String, String> chat = Map.of("base_url", server.baseUrl(), "model", "m", "timeout_ms", "500");
            Map<String, String> logprobs = Map.of("base_url", server.baseUrl(), "model", "m", "api", "completions",
                    "scoring", "logprobs");
            List<Map.Entry<String, ModelRequest>> toSend = new ArrayList<>();
            for (String c : List.of("c-normal", "c-noletter", "c-429", "c-500", "c-slow", "c-malformed")) {
                toSend.add(Map.entry(c, request(c, "chat-target", chat)));
            }
            for (String c : List.of("c-logprobs", "c-nologprobs")) {
                toSend.add(Map.entry(c, request(c, "lp-target", logprobs)));
            }
            cluster.send(cluster.topics().modelRequests(), toSend);

            WorkerSettings settings = WorkerSettings.defaults().withRetryBackoff(Duration.ofMillis(50));
            try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-openai",
                    new Backends(), settings).start()) {
                Map<String, ModelReply> byId = replies("c-", toSend.size()).stream()
                        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
                assertThat(byId).hasSize(toSend.size());

                assertReply(byId.get("c-normal"), " (B) Disagree", 1, 200);
                assertReply(byId.get("c-noletter"), "That is a matter of taste.", 1, 200);
                assertReply(byId.get("c-429"), " (A)", 2, 200);
                List<Long> times = callTimes.get("c-429");
                assertThat(Duration.ofNanos(times.get(1) - times.get(0))).as("Retry-After: 1 honoured")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
                assertReply(byId.get("c-slow"), " (B)", 2, 200);

                ModelReply failed = byId.get("c-500");
                assertThat(failed.getText()).isNull();
                assertThat(failed.getAttempts()).isEqualTo(3);
                assertThat(failed.getHttpStatus()).isEqualTo(500);
                assertThat(failed.getError()).contains("HTTP 500").contains("CUDA out of memory");
                assertThat(callsPerCase.get("c-500")).hasValue(3);

                ModelReply malformed = byId.get("c-malformed");
                assertThat(malformed.getText()).isNull();
                assertThat(malformed.getAttempts()).as("not retried").isEqualTo(1);
                assertThat(malformed.getError()).startsWith("malformed JSON");

                ModelReply scored = byId.get("c-logprobs");
                assertThat(scored.getText()).isEqualTo(" (A)");
                assertThat(scored.getChoiceLogprobs()).containsOnlyKeys("A", "B");
                assertThat(scored.getChoiceLogprobs().get("A")).isEqualTo(Math.log(0.7));

                ModelReply ignored = byId.get("c-nologprobs");
                assertThat(ignored.getText()).isNull();
                assertThat(ignored.getError()).contains("returned no top log-probabilities").contains("scoring=generate");

                Map<String, DeadLetter> letters = cluster.read(cluster.topics().deadletter(),
                                read -> read.stream().filter(r -> r.key() != null && r.key().startsWith("c-")).count() >= 3,
                                TIMEOUT, Duration.ofSeconds(1))
                        .stream().filter(r -> r.key() != null && r.key().startsWith("c-"))
                        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
                assertThat(letters).containsOnlyKeys("c-500", "c-malformed", "c-nologprobs");
                assertThat(letters.get("c-500").getReason()).contains("HTTP 500").endsWith("(3 attempts, last HTTP status 500)");
                assertThat(letters.get("c-500").getStage()).isEqualTo("worker");
                assertThat(letters.get("c-malformed").getReason()).contains("malformed JSON");
                assertThat(letters.get("c-nologprobs").getReason()).startsWith("target lp-target");
                assertThat(bytes(letters.get("c-500").getOriginalValue())).isNotEmpty();

                assertThat(await(() -> worker.processed() == toSend.size(), TIMEOUT)).isTrue();
                assertThat(worker.failedReplies()).isEqualTo(3);
            }
        }
    }

    /**
     * A server that echoes the API key in a 200 without choices, in a completion, in 401 and 500 bodies and in
     * headers: the key is in no reply (text or error), no dead letter and no worker log line.
     */
    @Test
    void anApiKeyEchoedByTheServerReachesNoReplyDeadLetterOrLogWhateverTheStatus(@TempDir Path dir) throws Exception {
        String key = "sk-it-echo-51d2e0";
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, key);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(call -> {
            String auth = call.header("Authorization");
            Map<String, String> echo = Map.of("X-Echo", auth);
            return switch (caseOf(call)) {
                case "k-nochoices" -> new Answer(200, "{\"seen\":\"" + auth + "\"}", echo, 0);
                case "k-completion" -> new Answer(200, ScriptedOpenAiServer.chat(" (A) " + auth), echo, 0);
                case "k-401" -> new Answer(401, "{\"error\":{\"message\":\"bad key " + auth + "\"}}", echo, 0);
                case "k-500" -> new Answer(500, "proxy error for " + auth, echo, 0);
                default -> new Answer(404, "no such case " + auth, echo, 0);
            };
        })) {
            Map<String, String> params = Map.of("base_url", server.baseUrl(), "model", "m",
                    "api_key_file", keyFile.toString());
            List<String> cases = List.of("k-nochoices", "k-completion", "k-401", "k-500");
            List<Map.Entry<String, ModelRequest>> toSend = new ArrayList<>();
            for (String c : cases) {
                toSend.add(Map.entry(c, request(c, "leaky-target", params)));
            }
            cluster.send(cluster.topics().modelRequests(), toSend);
            WorkerSettings settings = WorkerSettings.defaults().withRetryBackoff(Duration.ofMillis(20));
            try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-leaky",
                    new Backends(), settings).start()) {
                Map<String, ModelReply> byId = replies("k-", cases.size()).stream()
                        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
                assertThat(byId).containsOnlyKeys(cases);
                assertThat(byId.get("k-completion").getText()).isEqualTo(" (A) Bearer [redacted]");
                assertThat(byId.get("k-nochoices").getError()).contains("has no choices[0]").contains("[redacted]");
                assertThat(byId.get("k-401").getError()).contains("HTTP 401").contains("[redacted]");
                assertThat(byId.get("k-500").getError()).contains("HTTP 500").contains("[redacted]");
                byId.values().forEach(r -> assertThat(r.toString()).as(r.getRequestId()).doesNotContain(key));

                List<DeadLetter> letters = cluster.read(cluster.topics().deadletter(),
                                read -> read.stream().filter(r -> r.key() != null && r.key().startsWith("k-")).count() >= 3,
                                TIMEOUT, Duration.ofSeconds(1))
                        .stream().filter(r -> r.key() != null && r.key().startsWith("k-")).map(ConsumerRecord::value).toList();
                assertThat(letters).hasSize(3);
                for (DeadLetter letter : letters) {
                    assertThat(letter.getReason()).contains("[redacted]").doesNotContain(key);
                    assertThat(new String(bytes(letter.getOriginalValue()), StandardCharsets.UTF_8)).doesNotContain(key);
                }
            }
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).as("the worker logged the dead letters").isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(key);
            if (e.getThrowableProxy() != null) {
                assertThat(ThrowableProxyUtil.asString(e.getThrowableProxy())).doesNotContain(key);
            }
        }
    }

    /**
     * A server reporting known usage on every answer, 429 and 500 on some first (and second) attempts, whose error
     * bodies also carry a usage object: the replies' token counts sum to exactly the usage of the attempts that
     * answered, nothing of the faulted ones.
     */
    @Test
    void tokenCountsAreThoseOfTheAttemptThatAnsweredExactly() throws Exception {
        int total = 60;
        Map<String, AtomicInteger> callsPerCase = new ConcurrentHashMap<>();
        String faultUsage = ",\"usage\":{\"prompt_tokens\":100000,\"completion_tokens\":100000}";
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(call -> {
            String id = caseOf(call);
            int i = Integer.parseInt(id.substring("tok-".length()));
            int n = callsPerCase.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (i % 3 == 0 && n == 1) {
                return new Answer(429, "{\"error\":{\"message\":\"slow down\"}" + faultUsage + "}", Map.of(), 0);
            }
            if (i % 4 == 1 && n <= 2) {
                return new Answer(500, "{\"error\":{\"message\":\"overloaded\"}" + faultUsage + "}", Map.of(), 0);
            }
            return Answer.ok(ScriptedOpenAiServer.withUsage(ScriptedOpenAiServer.chat(" (B)"), 100 + i, 1 + i % 5));
        })) {
            Map<String, String> params = Map.of("base_url", server.baseUrl(), "model", "m");
            List<Map.Entry<String, ModelRequest>> requests = new ArrayList<>();
            long expectedPrompt = 0;
            long expectedCompletion = 0;
            for (int i = 0; i < total; i++) {
                requests.add(Map.entry("tok-" + i, request("tok-" + i, "tok-target", params)));
                expectedPrompt += 100 + i;
                expectedCompletion += 1 + i % 5;
            }
            cluster.send(cluster.topics().modelRequests(), requests);
            WorkerSettings settings = WorkerSettings.defaults().withRetryBackoff(Duration.ofMillis(20));
            try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-tokens",
                    new Backends(), settings).start()) {
                List<ModelReply> replies = replies("tok-", total).stream().map(ConsumerRecord::value).toList();
                assertThat(replies).hasSize(total).allSatisfy(r -> assertThat(r.getError()).isNull());
                assertThat(replies.stream().mapToLong(ModelReply::getPromptTokens).sum()).isEqualTo(expectedPrompt);
                assertThat(replies.stream().mapToLong(ModelReply::getCompletionTokens).sum()).isEqualTo(expectedCompletion);
                long retried = replies.stream().filter(r -> r.getAttempts() > 1).count();
                assertThat(retried).as("faults on first attempts happened").isEqualTo(
                        java.util.stream.IntStream.range(0, total).filter(i -> i % 3 == 0 || i % 4 == 1).count());
                for (ModelReply r : replies) {
                    int i = Integer.parseInt(r.getRequestId().substring("tok-".length()));
                    assertThat(r.getPromptTokens()).as(r.getRequestId()).isEqualTo(100L + i);
                    assertThat(r.getCompletionTokens()).as(r.getRequestId()).isEqualTo(1L + i % 5);
                }
            }
        }
    }

    private static void assertReply(ModelReply reply, String text, int attempts, int status) {
        assertThat(reply.getError()).as(reply.getRequestId()).isNull();
        assertThat(reply.getText()).as(reply.getRequestId()).isEqualTo(text);
        assertThat(reply.getAttempts()).as(reply.getRequestId() + " attempts").isEqualTo(attempts);
        assertThat(reply.getHttpStatus()).isEqualTo(status);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * Two workers in one group against a server with 20 ms latency: the second joins while the first is busy
     * (a rebalance mid-stream), and the first is closed before the end (another one). Every request gets exactly
     * one committed reply, and a replay of all the requests is not sent to the model again.
     */
    @Test
    void twoWorkersShareTheLoadWithoutLosingOrDuplicatingARequest() throws Exception {
        int total = 1_200;
        AtomicInteger calls = new AtomicInteger();
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(call -> {
            calls.incrementAndGet();
            return Answer.ok(ScriptedOpenAiServer.chat(" (" + (caseOf(call).hashCode() % 2 == 0 ? "A" : "B") + ")")).after(20);
        })) {
            Map<String, String> params = Map.of("base_url", server.baseUrl(), "model", "m");
            List<Map.Entry<String, ModelRequest>> requests = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                String id = "pair-" + i;
                requests.add(Map.entry(id, request(id, "pair-target", params)));
            }
            cluster.send(cluster.topics().modelRequests(), requests);
            WorkerSettings settings = WorkerSettings.defaults().withMaxInFlight(16);
            ModelWorker first = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-pair-1", new Backends(), settings).start();
            ModelWorker second;
            try {
                assertThat(await(() -> first.processed() >= 200, TIMEOUT)).isTrue();
                second = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-pair-2", new Backends(), settings).start();
                assertThat(await(() -> second.processed() >= 100, TIMEOUT)).as("the second worker takes a share").isTrue();
            } finally {
                first.close();
            }
            try (second) {
                List<ConsumerRecord<String, ModelReply>> replies = replies("pair-", total);
                Map<String, Long> perId = replies.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
                assertThat(perId).as("every request answered").hasSize(total);
                assertThat(perId.values()).as("no request answered twice").allMatch(c -> c == 1);
                assertThat(replies.stream().map(r -> r.value().getWorkerId()).distinct().toList())
                        .containsExactlyInAnyOrder("it-pair-1", "it-pair-2");
                assertThat(first.processed() + second.processed()).isGreaterThanOrEqualTo(total);
                assertThat(first.failure()).isEmpty();

                // A replay of the same request ids: already answered, so nothing goes to the model.
                int callsBefore = calls.get();
                long skippedBefore = second.skipped();
                cluster.send(cluster.topics().modelRequests(), requests.subList(0, 100));
                assertThat(await(() -> second.skipped() - skippedBefore == 100, TIMEOUT)).isTrue();
                assertThat(calls.get()).isEqualTo(callsBefore);
                assertThat(replies("pair-", total)).hasSize(total);
            }
        }
    }
}
