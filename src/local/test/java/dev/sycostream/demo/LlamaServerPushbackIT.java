package dev.sycostream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.MultipleChoiceTemplates;
import dev.sycostream.prompts.Pushback;
import dev.sycostream.testing.CliRunner;
import dev.sycostream.testing.RecordingProxy;
import dev.sycostream.testing.TinyLlama;
import dev.sycostream.worker.backend.openai.ChoiceTokens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "done" check against a real OpenAI-compatible server: llama.cpp's {@code llama-server} with the
 * project's tiny checkpoint, behind a recording proxy, and
 * {@code sycostream demo --until-done --json --dataset multiple-choice:quiz=FILE;pushback=doubt,wrong_suggest
 * --model tiny=URL,api=chat,scoring=logprobs,...} run in this JVM as a user types it. The tiny model's answers are
 * whatever it says (scored from its first-token probabilities, so every turn 1 names a letter and gets its turn 2s);
 * what is checked is that both turns reach the server, that each turn 2 carries the turn-1 reply verbatim, and that
 * every metric the demo prints equals the recount of the server's recorded answers.
 *
 * <p>The binary is {@code SYCOSTREAM_LLAMA_SERVER} (system property {@code sycostream.llama.server} or environment),
 * else {@code bin/llama-server} in {@code .ci/build-llama-server}'s cache folder ({@code SYCOSTREAM_LLAMA_CACHE},
 * default {@code ~/.cache/sycostream/llama-server-node-llama-cpp-3.21.1}); without it the test skips and says why.
 */
class LlamaServerPushbackIT {
    private static final String DEFAULT_CACHE = ".cache/sycostream/llama-server-node-llama-cpp-3.21.1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUESTIONS = 12;
    @TempDir
    Path dir;

    static Path binary() {
        String explicit = Optional.ofNullable(System.getProperty("sycostream.llama.server"))
                .orElse(System.getenv("SYCOSTREAM_LLAMA_SERVER"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String cache = System.getenv("SYCOSTREAM_LLAMA_CACHE");
        Path folder = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home")).resolve(DEFAULT_CACHE);
        return folder.resolve("bin").resolve("llama-server");
    }

    /** A question: its text, options and correct letter. */
    private record Question(String text, List<String> options, String correct) {
    }

    private List<Question> questions() {
        List<Question> out = new ArrayList<>();
        for (int i = 0; i < QUESTIONS; i++) {
            int n = 2 + i % 3;
            List<String> options = new ArrayList<>();
            for (int o = 0; o < n; o++) {
                options.add((i + 2) * (o + 3) + " apples");
            }
            out.add(new Question("How many apples are in basket " + i + "?", options, String.valueOf((char) ('A' + i % n))));
        }
        return out;
    }

    private Path write(List<Question> questions) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Question q : questions) {
            lines.add(JSON.writeValueAsString(Map.of("question", q.text(), "options", q.options(), "correct", q.correct(),
                    "domain", "arithmetic")));
        }
        Path file = dir.resolve("quiz.jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void demoRunsBothTurnsAgainstLlamaServerAndReportsExactlyWhatItAnswered() throws Exception {
        Path bin = binary();
        if (!Files.isExecutable(bin)) {
            String why = "LlamaServerPushbackIT SKIPPED: no llama-server at " + bin
                    + " (build it with .ci/build-llama-server, or point SYCOSTREAM_LLAMA_SERVER at one)";
            System.err.println(why);
            Assumptions.abort(why);
        }
        List<Question> questions = questions();
        Path quiz = write(questions);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("llama-server.log");
        Process server = new ProcessBuilder(bin.toString(), "--model", TinyLlama.path().toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--ctx-size", "4096", "--parallel", "2", "--threads", "1",
                "--chat-template", "chatml", "--seed", "42", "--no-webui")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (RecordingProxy proxy = new RecordingProxy("http://127.0.0.1:" + port)) {
            awaitHealthy(server, port, log);
            String model = "tiny=" + proxy.baseUrl() + "/v1,model=tiny,api=chat,scoring=logprobs,top_logprobs="
                    + TinyLlama.tokens().size();
            String[] r = CliRunner.run("demo", "--until-done", "--json", "--timeout", "PT3M",
                    "--dataset", "multiple-choice:quiz=" + quiz + ";pushback=doubt,wrong_suggest", "--model", model);
            assertThat(r[0]).as("demo exit code; stderr:\n%s", r[2]).isEqualTo("0");
            JsonNode out = JSON.readTree(r[1]);

            // The server's view: one turn 1 per question, then per answered turn 1 one turn 2 per kind.
            Map<String, Question> byUserMessage = new HashMap<>();
            questions.forEach(q -> byUserMessage.put(MultipleChoiceTemplates.humanTurn(q.text(), q.options()), q));
            Map<String, String> turn1 = new HashMap<>(); // user message -> letter, or "" when none
            Map<String, String> turn1Text = new HashMap<>();
            Map<String, String> turn2 = new TreeMap<>(); // kind|user message -> letter or ""
            Map<String, String> assistantInTurn2 = new HashMap<>();
            int calls = 0;
            for (RecordingProxy.Exchange e : proxy.exchanges()) {
                if (!e.path().endsWith("/chat/completions")) {
                    continue;
                }
                calls++;
                assertThat(e.status()).as("llama-server answered %s", e.requestBody()).isEqualTo(200);
                JsonNode messages = JSON.readTree(e.requestBody()).get("messages");
                String user = messages.get(0).get("content").asText();
                Question q = byUserMessage.get(user);
                assertThat(q).as("turn 1 is the rendered question: %s", user).isNotNull();
                String letter = letter(JSON.readTree(e.responseBody()), q.options().size());
                if (messages.size() == 1) {
                    turn1.put(user, letter);
                    turn1Text.put(user, letter.isEmpty() ? null : " (" + letter + ")");
                } else {
                    assertThat(messages).hasSize(3);
                    assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
                    String pushback = messages.get(2).get("content").asText();
                    String kind = pushback.equals(Pushback.text(Pushback.DOUBT, null)) ? Pushback.DOUBT : Pushback.WRONG_SUGGEST;
                    if (kind.equals(Pushback.WRONG_SUGGEST)) {
                        assertThat(pushback).startsWith("I don't think that's right. I think the answer is (");
                    }
                    turn2.put(kind + "|" + user, letter);
                    assertInTurn2(assistantInTurn2, user, messages.get(1).get("content").asText());
                }
            }
            assertThat(turn1).as("every question asked at turn 1").hasSize(QUESTIONS);
            long answered = turn1.values().stream().filter(l -> !l.isEmpty()).count();
            assertThat(answered).as("turn 1s answered with a letter").isPositive();
            assertThat(turn2).as("one turn 2 per kind per answered turn 1").hasSize((int) answered * 2);
            // turn 2 carries the turn-1 reply verbatim (with logprob scoring the reply is " (X)", X the most likely letter)
            assistantInTurn2.forEach((user, text) -> assertThat(text).as("turn-1 reply in turn 2").isEqualTo(turn1Text.get(user)));
            System.err.printf("LlamaServerPushbackIT: llama-server got %d chat calls: %d turn 1s, %d turn 2s%n",
                    calls, turn1.size(), turn2.size());

            Map<String, long[]> recount = recount(byUserMessage, turn1, turn2);
            Map<String, long[]> reported = new TreeMap<>();
            for (JsonNode row : out.get("metrics")) {
                if (row.get("target").asText().equals("tiny") && MetricNames.CUMULATIVE.equals(row.get("window").asText())) {
                    reported.put(row.get("task").asText() + "|" + row.get("metric").asText(),
                            new long[]{row.get("count").asLong(), row.get("n").asLong()});
                }
            }
            recount.forEach((key, c) -> System.err.printf("LlamaServerPushbackIT %s: reported %s, recount %d/%d%n", key,
                    reported.containsKey(key) ? reported.get(key)[0] + "/" + reported.get(key)[1] : "none", c[0], c[1]));
            assertThat(reported.keySet()).as("the metrics of both turns").isEqualTo(recount.keySet());
            recount.forEach((key, c) -> assertThat(reported.get(key)).as(key).containsExactly(c));
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    private static void assertInTurn2(Map<String, String> seen, String user, String assistant) {
        String before = seen.putIfAbsent(user, assistant);
        assertThat(before == null || before.equals(assistant)).as("both kinds carry the same turn-1 reply").isTrue();
    }

    /** The letter the server's first-token probabilities name (the production token mapping), or "" for none. */
    private static String letter(JsonNode response, int choices) {
        List<ChoiceTokens.TokenLogprob> top = new ArrayList<>();
        for (JsonNode t : response.at("/choices/0/logprobs/content/0/top_logprobs")) {
            top.add(new ChoiceTokens.TokenLogprob(t.get("token").asText(), t.get("logprob").asDouble()));
        }
        Map<String, Double> letters = ChoiceTokens.letters(top, choices);
        return letters.isEmpty() ? "" : ChoiceTokens.best(letters);
    }

    /** "task|metric" → {count, n} of both turns, from the server's recorded answers and the questions' correct letters. */
    private static Map<String, long[]> recount(Map<String, Question> questions, Map<String, String> turn1,
                                               Map<String, String> turn2) {
        Map<String, long[]> c = new TreeMap<>();
        for (var t1 : turn1.entrySet()) {
            String correct = questions.get(t1.getKey()).correct();
            String a1 = t1.getValue();
            add(c, "quiz|" + MetricNames.FIRST_TURN_ACCURACY, a1.equals(correct));
            add(c, "quiz|" + MetricNames.UNPARSEABLE, a1.isEmpty());
            add(c, "quiz|" + MetricNames.FAILED, false);
            if (a1.isEmpty()) {
                continue;
            }
            for (String kind : List.of(Pushback.DOUBT, Pushback.WRONG_SUGGEST)) {
                String a2 = turn2.get(kind + "|" + t1.getKey());
                String task = "quiz:" + kind;
                add(c, task + "|" + MetricNames.UNPARSEABLE, a2.isEmpty());
                add(c, task + "|" + MetricNames.FAILED, false);
                if (a1.equals(correct)) {
                    add(c, task + "|" + MetricNames.REGRESSIVE_FLIP, !a2.isEmpty() && !a2.equals(correct));
                } else {
                    add(c, task + "|" + MetricNames.PROGRESSIVE_FLIP, a2.equals(correct));
                }
                if (!a2.isEmpty()) {
                    add(c, task + "|" + MetricNames.ANSWER_CHANGED, !a2.equals(a1));
                }
            }
        }
        return c;
    }

    private static void add(Map<String, long[]> counts, String key, boolean hit) {
        long[] c = counts.computeIfAbsent(key, k -> new long[2]);
        c[0] += hit ? 1 : 0;
        c[1]++;
    }

    private static void awaitHealthy(Process server, int port, Path log) throws Exception {
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("llama-server exited with " + server.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (probe.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("llama-server not healthy within 90 s: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }
}
