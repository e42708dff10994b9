package dev.sycostream.worker.backend.openai;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TinyLlama;
import dev.sycostream.worker.backend.Completion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conformance of the OpenAI backend with a real llama.cpp {@code llama-server}, started here on a free loopback port
 * with the project's tiny GGUF checkpoint: chat and completions, generate and logprobs scoring, through the same
 * {@link OpenAiBackend} the worker uses.
 *
 * <p>The binary is {@code SYCOSTREAM_LLAMA_SERVER} (system property {@code sycostream.llama.server} or environment),
 * else {@code bin/llama-server} in the folder {@code .ci/build-llama-server} caches it in
 * ({@code SYCOSTREAM_LLAMA_CACHE}, default {@code ~/.cache/sycostream/llama-server-node-llama-cpp-3.21.1}).
 * Without it the test is skipped, saying so; {@code .ci/run} builds it first.
 */
class LlamaServerConformanceIT {
    static final String DEFAULT_CACHE = ".cache/sycostream/llama-server-node-llama-cpp-3.21.1";
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private static Process server;
    private static String baseUrl;
    private static Path logFile;
    /** The worker's own HTTP client, so the conformance covers the transport the worker really uses. */
    private static ModelHttpClient http;

    /** Where the llama-server binary is expected. */
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

    @BeforeAll
    static void startServer() throws Exception {
        Path bin = binary();
        if (!Files.isExecutable(bin)) {
            String why = "LlamaServerConformanceIT SKIPPED: no llama-server at " + bin
                    + " (build it with .ci/build-llama-server, or point SYCOSTREAM_LLAMA_SERVER at one)";
            System.err.println(why); // surefire does not print the reason of a class-level skip
            Assumptions.abort(why);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path gguf = TinyLlama.path();
        logFile = gguf.getParent().resolve("llama-server-conformance.log");
        List<String> cmd = List.of(bin.toString(), "--model", gguf.toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--ctx-size", "4096", "--parallel", "2", "--threads", "1",
                "--chat-template", "chatml", "--seed", "42", "--no-webui");
        server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        baseUrl = "http://127.0.0.1:" + port + "/v1";
        http = ModelHttpClient.start();
        // The health check is not the backend's business: a plain JDK client is enough for it.
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("llama-server exited with " + server.exitValue() + ": " + logTail());
            }
            try {
                HttpResponse<String> health = probe.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("llama-server not healthy within " + STARTUP + ": " + logTail());
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.destroy();
            if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    private static String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static OpenAiBackend backend(String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("base_url", baseUrl);
        p.put("model", "tiny");
        p.put("timeout_ms", "30000");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return OpenAiBackend.fromParams(p, http);
    }

    /** Addition prompts (two choices) and PhilPapers ones (some with more than two). */
    private static List<ModelRequest> requests() {
        List<ModelRequest> out = new ArrayList<>();
        var items = new ArrayList<>(Fixtures.additionItems(2));
        items.addAll(Fixtures.perezItems("philpapers2020", 6));
        for (var item : items) {
            for (PromptVariant v : PromptRenderer.render(item)) {
                out.add(ModelRequest.newBuilder().setRequestId("r" + out.size()).setTargetId("tiny").setItemId(item.getItemId())
                        .setTask(item.getTask()).setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                        .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer()).setBackend(OpenAiBackend.NAME)
                        .setBackendParams(Map.of()).setCreatedAtMs(0L).build());
            }
        }
        assertThat(out.stream().anyMatch(r -> r.getChoices().size() > 2)).as("a question with more than two choices").isTrue();
        return out;
    }

    private static void assertEveryChoiceScored(ModelRequest r, Completion c) {
        List<String> letters = new ArrayList<>();
        for (int j = 0; j < r.getChoices().size(); j++) {
            letters.add(String.valueOf((char) ('A' + j)));
        }
        assertThat(c.httpStatus()).isEqualTo(200);
        assertThat(c.choiceLogprobs()).as(r.getRequestId()).containsOnlyKeys(letters);
        double mass = 0;
        for (double lp : c.choiceLogprobs().values()) {
            assertThat(lp).isFinite().isLessThanOrEqualTo(0.0);
            mass += Math.exp(lp);
        }
        assertThat(mass).as(r.getRequestId() + ": probability on the choices").isLessThanOrEqualTo(1.0 + 1e-6);
        String best = c.choiceLogprobs().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(c.text()).isEqualTo(" (" + best + ")");
    }

    /** The whole vocabulary of the tiny model, so every choice letter is among the listed tokens. */
    private static String wholeVocabulary() {
        return String.valueOf(TinyLlama.tokens().size());
    }

    @Test
    void completionsGenerateReturnsTheContinuation() throws Exception {
        OpenAiBackend b = backend("api", "completions", "max_tokens", "8");
        for (ModelRequest r : requests()) {
            Completion c = b.submit(r, Runnable::run).get();
            assertThat(c.httpStatus()).isEqualTo(200);
            assertThat(c.text()).as(r.getRequestId()).isNotNull();
            assertThat(c.choiceLogprobs()).isEmpty();
        }
    }

    @Test
    void completionsLogprobsScoreEveryChoice() throws Exception {
        // llama.cpp answers logprobs:N on /v1/completions in the chat shape (logprobs.content[0].top_logprobs)
        OpenAiBackend b = backend("api", "completions", "scoring", "logprobs", "answer_prefix", " (",
                "top_logprobs", wholeVocabulary());
        for (ModelRequest r : requests()) {
            assertEveryChoiceScored(r, b.submit(r, Runnable::run).get());
        }
    }

    @Test
    void chatGenerateReturnsTheAssistantMessage() throws Exception {
        OpenAiBackend b = backend("api", "chat", "max_tokens", "8");
        for (ModelRequest r : requests()) {
            Completion c = b.submit(r, Runnable::run).get();
            assertThat(c.httpStatus()).isEqualTo(200);
            assertThat(c.text()).as(r.getRequestId()).isNotNull();
        }
    }

    @Test
    void chatLogprobsWithPrefillScoreEveryChoice() throws Exception {
        // the assistant's "I believe the best answer is (" is continued (continue_final_message)
        OpenAiBackend b = backend("api", "chat", "scoring", "logprobs", "chat_prefill", "true", "answer_prefix", " (",
                "top_logprobs", wholeVocabulary());
        for (ModelRequest r : requests()) {
            assertEveryChoiceScored(r, b.submit(r, Runnable::run).get());
        }
    }

    @Test
    void chatLogprobsWithoutPrefillScoreEveryChoice() throws Exception {
        // only the Human turn: the first token of the assistant's reply is scored
        OpenAiBackend b = backend("api", "chat", "scoring", "logprobs", "top_logprobs", wholeVocabulary());
        for (ModelRequest r : requests()) {
            assertEveryChoiceScored(r, b.submit(r, Runnable::run).get());
        }
    }
}
