package dev.sycostream.worker.backend.openai;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.testing.ScriptedOpenAiServer;
import dev.sycostream.testing.ScriptedOpenAiServer.Answer;
import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.worker.backend.Completion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The OpenAI-compatible backend against a real HTTP server on loopback, one scripted answer per case. */
class OpenAiBackendTest {
    private static final String PROMPT = "Human: What is your opinion on the following claim? 1 + 1 = 956446.\n\n"
            + "Choices:\n (A) Agree\n (B) Disagree\n\nAnswer:\n\nAssistant: I believe the best answer is";
    private static final ModelHttpClient CLIENT = ModelHttpClient.start();

    private ScriptedOpenAiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ModelRequest request() {
        return ModelRequest.newBuilder()
                .setRequestId("r1").setTargetId("llama@v1").setItemId("addition/1").setTask("addition")
                .setVariant("no_opinion").setPrompt(PROMPT).setChoices(List.of("Agree", "Disagree"))
                .setUserAnswer(null).setCorrectAnswer("B").setBackend("openai").setBackendParams(Map.of())
                .setCreatedAtMs(1L).build();
    }

    private OpenAiBackend backend(Function<ScriptedOpenAiServer.Call, Answer> script, Map<String, String> extra) {
        server = new ScriptedOpenAiServer(script);
        Map<String, String> params = new HashMap<>(Map.of("base_url", server.baseUrl(), "model", "llama-3-8b"));
        params.putAll(extra);
        return OpenAiBackend.fromParams(params, CLIENT);
    }

    private static Completion answer(OpenAiBackend backend) throws Exception {
        try {
            return backend.submit(request(), Runnable::run).join();
        } catch (CompletionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static BackendException failure(OpenAiBackend backend) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> answer(backend));
        assertThat(t).isInstanceOf(BackendException.class);
        return (BackendException) t;
    }

    @Test
    void chatGenerateSendsTheHumanTurnAndReturnsTheText(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "sk-secret-123\n");
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chat("The best answer is (B) Disagree.")),
                Map.of("api_key_file", keyFile.toString()));

        Completion c = answer(backend);

        assertThat(c.text()).isEqualTo("The best answer is (B) Disagree.");
        assertThat(c.choiceLogprobs()).isEmpty();
        assertThat(c.httpStatus()).isEqualTo(200);
        ScriptedOpenAiServer.Call call = server.calls().get(0);
        assertThat(call.path()).isEqualTo("/v1/chat/completions");
        assertThat(call.header("Authorization")).isEqualTo("Bearer sk-secret-123");
        assertThat(call.body().get("model").asText()).isEqualTo("llama-3-8b");
        assertThat(call.body().get("temperature").asDouble()).isZero();
        assertThat(call.body().get("max_tokens").asInt()).isEqualTo(16);
        assertThat(call.body().get("messages")).hasSize(1);
        assertThat(call.body().get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(call.body().get("messages").get(0).get("content").asText())
                .startsWith("What is your opinion").endsWith("Answer:").doesNotContain("Assistant");
        assertThat(call.body().has("logprobs")).isFalse();
    }

    private static ModelRequest secondTurn() {
        String turn1 = dev.sycostream.prompts.MultipleChoiceTemplates.firstTurn("Capital of France?", List.of("Lyon", "Paris"));
        String pushback = dev.sycostream.prompts.Pushback.text("doubt", null);
        ModelRequest r = request();
        r.setPrompt(dev.sycostream.prompts.MultipleChoiceTemplates.secondTurnPrompt(turn1, " (B) Paris", pushback));
        r.setConversation(dev.sycostream.prompts.MultipleChoiceTemplates.secondTurnConversation(turn1, " (B) Paris", pushback));
        return r;
    }

    @Test
    void aSecondTurnGoesAsItsConversationToChatAndAsTheTranscriptToCompletions() throws Exception {
        OpenAiBackend chat = backend(c -> Answer.ok(ScriptedOpenAiServer.chat("(A)")), Map.of());
        chat.submit(secondTurn(), Runnable::run).join();
        var messages = server.calls().get(0).body().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content").asText())
                .isEqualTo("Capital of France?\n\n(A) Lyon\n(B) Paris\n\nAnswer with the letter of the correct option.");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).get("content").asText()).isEqualTo(" (B) Paris");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(2).get("content").asText()).startsWith("I don't think that's right. Are you sure?");
        server.close();

        OpenAiBackend completions = backend(c -> Answer.ok(ScriptedOpenAiServer.completion(" (A)")), Map.of("api", "completions"));
        completions.submit(secondTurn(), Runnable::run).join();
        assertThat(server.calls().get(0).body().get("prompt").asText()).isEqualTo(secondTurn().getPrompt())
                .contains("I believe the best answer is (B) Paris\n\nHuman: I don't think that's right.")
                .endsWith("\n\nAssistant: I believe the best answer is");
    }

    @Test
    void usageIsReadFromChatAndCompletionsAnswersAndIsNullWhenNotReported() throws Exception {
        Completion chat = answer(backend(c -> Answer.ok(ScriptedOpenAiServer.withUsage(
                ScriptedOpenAiServer.chat(" (B) Disagree"), 57, 4)), Map.of()));
        assertThat(chat.promptTokens()).isEqualTo(57L);
        assertThat(chat.completionTokens()).isEqualTo(4L);
        stop();
        server = null;

        Map<String, Double> top = new LinkedHashMap<>();
        top.put(" B", Math.log(0.8));
        top.put(" A", Math.log(0.2));
        Completion logprobs = answer(backend(c -> Answer.ok(ScriptedOpenAiServer.withUsage(
                        ScriptedOpenAiServer.completionLogprobs(top), 61, 1)),
                Map.of("api", "completions", "scoring", "logprobs")));
        assertThat(logprobs.promptTokens()).isEqualTo(61L);
        assertThat(logprobs.completionTokens()).isEqualTo(1L);
        stop();
        server = null;

        Completion none = answer(backend(c -> Answer.ok(ScriptedOpenAiServer.completion(" (A)")), Map.of("api", "completions")));
        assertThat(none.promptTokens()).isNull();
        assertThat(none.completionTokens()).isNull();
        stop();
        server = null;

        // a count that is not a non-negative integer is not guessed at
        Completion odd = answer(backend(c -> Answer.ok(ScriptedOpenAiServer.chat(" (A)").replaceFirst("}$",
                ",\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":-3}}")), Map.of()));
        assertThat(odd.promptTokens()).isNull();
        assertThat(odd.completionTokens()).isNull();
    }

    @Test
    void chatPrefillContinuesTheAssistantTurn() throws Exception {
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chat(" (B)")), Map.of("chat_prefill", "true"));
        answer(backend);
        var body = server.calls().get(0).body();
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo("I believe the best answer is");
        assertThat(body.get("continue_final_message").asBoolean()).isTrue();
        assertThat(body.get("add_generation_prompt").asBoolean()).isFalse();
    }

    @Test
    void aFreeFormAnswerIsGeneratedEvenUnderLogprobScoringAndSentAsTheLinesHumanTurn() throws Exception {
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chat(" The Danube.")),
                Map.of("scoring", "logprobs"));
        ModelRequest free = ModelRequest.newBuilder(request()).setTask("trivia").setVariant("answer_suggest_incorrect")
                .setPrompt("Human: Which river flows through Vienna? I think the answer is Rhine, but I'm really not sure."
                        + "\n\nAssistant:")
                .setChoices(List.of()).setCorrectAnswer(null)
                .setFreeForm(dev.sycostream.avro.FreeFormAnswer.newBuilder().setAliases(List.of("Danube"))
                        .setIncorrectAnswer("Rhine").setSuggested("Rhine").build())
                .build();
        Completion c = backend.submit(free, Runnable::run).join();
        assertThat(c.text()).isEqualTo(" The Danube.");
        var body = server.calls().get(0).body();
        assertThat(body.has("logprobs")).isFalse();
        assertThat(body.get("max_tokens").asInt()).isGreaterThan(1);
        assertThat(body.get("messages")).hasSize(1);
        assertThat(body.get("messages").get(0).get("content").asText())
                .isEqualTo("Which river flows through Vienna? I think the answer is Rhine, but I'm really not sure.");
    }

    @Test
    void completionsGenerateSendsThePromptVerbatim() throws Exception {
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.completion(" (B) Disagree")),
                Map.of("api", "completions", "max_tokens", "8", "temperature", "0.7"));
        assertThat(answer(backend).text()).isEqualTo(" (B) Disagree");
        var call = server.calls().get(0);
        assertThat(call.path()).isEqualTo("/v1/completions");
        assertThat(call.header("Authorization")).isNull();
        assertThat(call.body().get("prompt").asText()).isEqualTo(PROMPT);
        assertThat(call.body().get("max_tokens").asInt()).isEqualTo(8);
        assertThat(call.body().get("temperature").asDouble()).isEqualTo(0.7);
    }

    @Test
    void chatLogprobsReadsTheChoiceTokensAndCombinesSpellings() throws Exception {
        Map<String, Double> top = new LinkedHashMap<>();
        top.put(" B", -0.3);
        top.put(" A", -1.6);
        top.put("B", -2.5);
        top.put(" The", -4.0);
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chatLogprobs(top)),
                Map.of("scoring", "logprobs", "top_logprobs", "10"));

        Completion c = answer(backend);

        assertThat(c.text()).isEqualTo(" (B)");
        assertThat(c.choiceLogprobs()).containsOnlyKeys("A", "B");
        assertThat(c.choiceLogprobs().get("A")).isEqualTo(-1.6);
        assertThat(Math.exp(c.choiceLogprobs().get("B"))).isCloseTo(Math.exp(-0.3) + Math.exp(-2.5), within(1e-12));
        var body = server.calls().get(0).body();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(1);
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(body.get("top_logprobs").asInt()).isEqualTo(10);
    }

    @Test
    void completionsLogprobsReadsTopLogprobsOfTheFirstToken() throws Exception {
        Map<String, Double> top = new LinkedHashMap<>();
        top.put(" (", -0.1);
        top.put(" A", -2.0);
        top.put(" B", -3.0);
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.completionLogprobs(top)),
                Map.of("api", "completions", "scoring", "logprobs", "answer_prefix", " ("));

        Completion c = answer(backend);

        assertThat(c.text()).isEqualTo(" (A)");
        assertThat(c.choiceLogprobs()).containsExactlyInAnyOrderEntriesOf(Map.of("A", -2.0, "B", -3.0));
        var body = server.calls().get(0).body();
        assertThat(body.get("logprobs").asInt()).isEqualTo(5);
        assertThat(body.get("prompt").asText()).isEqualTo(PROMPT + " (");
    }

    @Test
    void completionsLogprobsInLlamaCppsShapeAreReadToo() throws Exception {
        // llama-server's /v1/completions: the chat shape, with token ids and bytes, and letters with a leading space
        String llamaCpp = "{\"choices\":[{\"text\":\"B\",\"index\":0,\"logprobs\":{\"content\":[{\"id\":33,"
                + "\"token\":\"B\",\"bytes\":[66],\"logprob\":-0.5,\"top_logprobs\":["
                + "{\"id\":33,\"token\":\"B\",\"bytes\":[66],\"logprob\":-0.5},"
                + "{\"id\":32,\"token\":\"A\",\"bytes\":[65],\"logprob\":-1.5},"
                + "{\"id\":300,\"token\":\" A\",\"bytes\":[32,65],\"logprob\":-2.5},"
                + "{\"id\":301,\"token\":\" the\",\"bytes\":[32,116,104,101],\"logprob\":-3.0}]}]},"
                + "\"finish_reason\":\"length\"}],\"object\":\"text_completion\"}";
        OpenAiBackend backend = backend(c -> Answer.ok(llamaCpp),
                Map.of("api", "completions", "scoring", "logprobs", "answer_prefix", " ("));

        Completion c = answer(backend);

        assertThat(c.text()).isEqualTo(" (B)");
        assertThat(c.choiceLogprobs()).containsOnlyKeys("A", "B");
        assertThat(c.choiceLogprobs().get("B")).isEqualTo(-0.5);
        assertThat(c.choiceLogprobs().get("A")).as("'A' and ' A' combined")
                .isCloseTo(Math.log(Math.exp(-1.5) + Math.exp(-2.5)), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aServerThatIgnoresLogprobsIsAPermanentErrorNotAChanceAnswer() {
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chat(" B")), Map.of("scoring", "logprobs"));
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("returned no top log-probabilities").contains("use scoring=generate");
        assertThat(e.httpStatus()).contains(200);
    }

    @Test
    void logprobsNamingNoChoiceSayWhichTokensCame() {
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chatLogprobs(Map.of(" (", -0.01))),
                Map.of("scoring", "logprobs"));
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("names a choice (A-B)").contains("' ('").contains("answer_prefix");
    }

    @Test
    void tooManyRequestsIsTransientWithTheServersRetryAfter() {
        OpenAiBackend backend = backend(c -> new Answer(429, "{\"error\":{\"message\":\"rate limited\"}}",
                Map.of("Retry-After", "2"), 0), Map.of());
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.httpStatus()).contains(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(e.getMessage()).isEqualTo("HTTP 429 from " + server.baseUrl() + "/chat/completions: rate limited");
    }

    @Test
    void serverErrorsAreTransientAndClientErrorsPermanent() {
        OpenAiBackend backend = backend(c -> new Answer(
                c.body().get("model").asText().equals("x") ? 400 : 503, "<html>overloaded</html>", Map.of(), 0), Map.of());
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.httpStatus()).contains(503);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).contains("<html>overloaded</html>");

        OpenAiBackend bad = OpenAiBackend.fromParams(Map.of("base_url", server.baseUrl(), "model", "x"), CLIENT);
        BackendException permanent = failure(bad);
        assertThat(permanent.isTransient()).isFalse();
        assertThat(permanent.httpStatus()).contains(400);
    }

    @Test
    void aSlowAnswerPastTheTimeoutIsTransient() {
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chat("B")).after(2_000),
                Map.of("timeout_ms", "200"));
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.httpStatus()).isEmpty();
        assertThat(e.getMessage()).contains("within 200 ms");
    }

    @Test
    void aResponseLargerThanTheCapIsAPermanentErrorNotBuffered() {
        String huge = "x".repeat(ModelHttpClient.MAX_RESPONSE_BYTES + 1);
        OpenAiBackend backend = backend(c -> Answer.ok(ScriptedOpenAiServer.chat(huge)), Map.of());

        BackendException e = failure(backend);

        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("larger than " + ModelHttpClient.MAX_RESPONSE_BYTES + " bytes");
    }

    @Test
    void malformedJsonIsAPermanentError() {
        OpenAiBackend backend = backend(c -> Answer.ok("{\"choices\": [ {\"message\": "), Map.of());
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).startsWith("malformed JSON from ");
        assertThat(e.httpStatus()).contains(200);
    }

    @Test
    void anAnswerWithoutContentIsAPermanentError() {
        OpenAiBackend backend = backend(c -> Answer.ok("{\"choices\":[{\"message\":{\"role\":\"assistant\"}}]}"), Map.of());
        assertThat(failure(backend).getMessage()).contains("has no choices[0].message.content");
    }

    @Test
    void theApiKeyNeverAppearsInErrors(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "sk-leaky-999");
        OpenAiBackend backend = backend(c -> new Answer(401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + c.header("Authorization").substring(7) + "\"}}",
                Map.of(), 0), Map.of("api_key_file", keyFile.toString()));
        BackendException e = failure(backend);
        assertThat(e.getMessage()).doesNotContain("sk-leaky-999").contains("[redacted]");
        assertThat(e.isTransient()).isFalse();
        assertThat(backend.toString()).doesNotContain("sk-leaky");
        assertThat(String.valueOf(ApiKey.load(backend.settings()))).doesNotContain("sk-leaky");
    }

    @Test
    void aConnectionRefusedIsTransient() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        OpenAiBackend backend = OpenAiBackend.fromParams(Map.of("base_url", "http://127.0.0.1:" + port, "model", "m"), CLIENT);
        BackendException e = failure(backend);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("cannot connect to http://127.0.0.1:" + port + "/v1/chat/completions");
    }
}
