package dev.sycostream.demo;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.input.ReadResult;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.scoring.Scorer;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.ScriptedOpenAiServer;
import dev.sycostream.testing.ScriptedOpenAiServer.Answer;
import dev.sycostream.testing.ScriptedOpenAiServer.Call;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole pipeline against a scripted OpenAI-compatible server on loopback: the Perez sample for two targets,
 * one scored by generation over {@code /v1/chat/completions}, one by first-token log-probabilities over
 * {@code /v1/completions}. The server's answer to each question is a fixed function of the question (choice A,
 * choice B, no letter, HTTP 500 every time, a 429 then an answer, logprobs naming no choice, a 400), so the
 * metrics must equal, count for count, a recount of what those scripted answers imply.
 */
class OpenAiPipelineIT {
    @TempDir
    static Path stateDir;

    /** The Human turn, as the chat user message carries it and as the completions prompt contains it. */
    static String question(String promptOrMessage) {
        String s = promptOrMessage;
        int assistant = s.lastIndexOf("\n\nAssistant:");
        if (assistant >= 0) {
            s = s.substring(0, assistant);
        }
        return s.startsWith("Human:") ? s.substring("Human:".length()).strip() : s.strip();
    }

    static int bucket(String question) {
        return Math.floorMod(question.hashCode(), 10);
    }

    /** What the chat (generate) target answers: text, or null for a request that must fail. */
    static String chatText(int bucket) {
        return switch (bucket) {
            case 0, 1, 2, 3, 9 -> " (A)";
            case 4, 5, 6 -> " (B) is my answer";
            case 7 -> " I would rather not say.";
            default -> null; // 8: HTTP 500 on every attempt
        };
    }

    /** What the logprobs target's most probable choice is, or null when it must fail. */
    static String logprobText(int bucket) {
        return switch (bucket) {
            case 0, 1, 2, 3, 4 -> " (A)";
            case 5, 6, 7 -> " (B)";
            default -> null; // 8: no choice among the top tokens; 9: HTTP 400
        };
    }

    private static Answer script(Call call, Map<String, AtomicInteger> attempts) {
        boolean chat = call.path().endsWith("/chat/completions");
        String q = question(chat ? call.body().get("messages").get(0).get("content").asText()
                : call.body().get("prompt").asText());
        int b = bucket(q);
        int n = attempts.computeIfAbsent(call.path() + q, k -> new AtomicInteger()).incrementAndGet();
        if (chat) {
            if (b == 8) {
                return new Answer(500, "{\"error\":{\"message\":\"engine crashed\"}}", Map.of(), 0);
            }
            if (b == 9 && n == 1) {
                return new Answer(429, "{\"error\":{\"message\":\"busy\"}}", Map.of("Retry-After", "0"), 0);
            }
            return Answer.ok(ScriptedOpenAiServer.chat(chatText(b)));
        }
        Map<String, Double> top = new LinkedHashMap<>();
        switch (b) {
            case 0, 1, 2, 3, 4 -> {
                top.put(" A", Math.log(0.6));
                top.put(" B", Math.log(0.3));
            }
            case 5, 6, 7 -> {
                top.put(" B", Math.log(0.8));
                top.put(" A", Math.log(0.1));
            }
            case 8 -> top.put(" (", -0.01);
            default -> {
                return new Answer(400, "{\"error\":{\"message\":\"prompt too long\"}}", Map.of(), 0);
            }
        }
        return Answer.ok(ScriptedOpenAiServer.completionLogprobs(top));
    }

    @Test
    void metricsEqualWhatTheScriptedAnswersImply() throws Exception {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(call -> script(call, attempts));
             EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 3);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
                ModelSpec chat = ModelSpec.parse("chatgen=" + server.baseUrl() + ",model=m1");
                ModelSpec lp = ModelSpec.parse("lp=" + server.baseUrl() + ",model=m2,api=completions,scoring=logprobs");
                for (ModelSpec m : List.of(chat, lp)) {
                    run.register(TargetRegistrar.target(m.name(), m.params().get("model"), "endpoint", m.backend(), m.params()));
                }
                ReadResult data = DatasetSpec.parse("perez-sample").load(7L, System.currentTimeMillis());
                List<DatasetItem> items = data.items();
                assertThat(run.ingest(data).accepted()).isEqualTo(300);

                boolean done = run.awaitComplete(Duration.ofMinutes(5), line -> System.err.println("IT progress: " + line));
                assertThat(done).as("every request answered or failed, and counted").isTrue();
                Map<String, MetricResult> cumulative = run.finalResults().stream().collect(Collectors.toMap(
                        r -> r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), r -> r));

                Map<String, Map<String, long[]>> expected = Map.of("chatgen", new HashMap<>(), "lp", new HashMap<>());
                // The continuous score of the logprob target: per task, the sum and count of the probabilities the
                // script puts on the user's letter, normalised over the choice letters it lists (A and B).
                Map<String, double[]> expectedScore = new HashMap<>();
                int[] failing = new int[2];
                for (DatasetItem item : items) {
                    for (PromptVariant v : PromptRenderer.render(item)) {
                        int b = bucket(question(v.prompt()));
                        recount(expected.get("chatgen"), item, v, chatText(b));
                        recount(expected.get("lp"), item, v, logprobText(b));
                        failing[0] += chatText(b) == null ? 1 : 0;
                        failing[1] += logprobText(b) == null ? 1 : 0;
                        Double p = scriptedUserMass(b, v.userAnswer());
                        if (p != null) {
                            double[] sum = expectedScore.computeIfAbsent(item.getTask(), k -> new double[2]);
                            sum[0] += p;
                            sum[1]++;
                        }
                    }
                }
                // The script must exercise every path, or the equality below proves little.
                assertThat(failing[0]).isPositive();
                assertThat(failing[1]).isPositive();
                expected.forEach((target, counts) -> counts.forEach((key, c) -> {
                    MetricResult r = cumulative.get(target + "|" + key);
                    assertThat(r).as(target + " " + key).isNotNull();
                    assertThat(new long[]{r.getCount(), r.getN()}).as(target + " " + key).containsExactly(c[0], c[1]);
                }));
                assertThat(expectedScore).as("the logprob target's with-opinion answers have a score").isNotEmpty();
                expectedScore.forEach((task, sum) -> {
                    MetricResult r = cumulative.get("lp|" + task + "|" + MetricNames.SYCOPHANCY);
                    assertThat(r.getScoreN()).as("lp " + task + " score_n").isEqualTo((long) sum[1]);
                    assertThat(r.getScoreMean()).as("lp " + task + " score_mean").isCloseTo(sum[0] / sum[1], within(1e-9));
                    assertThat(cumulative.get("chatgen|" + task + "|" + MetricNames.SYCOPHANCY).getScoreMean())
                            .as("generate scoring has no continuous score").isNull();
                });
                long unparseable = expected.get("chatgen").entrySet().stream()
                        .filter(e -> e.getKey().endsWith("|" + MetricNames.UNPARSEABLE)).mapToLong(e -> e.getValue()[0]).sum();
                assertThat(unparseable).as("the no-letter answers are counted unparseable").isPositive();
            }
        }
    }

    /** The scripted probability on {@code user}'s letter for a logprob answer in bucket b; null without one. */
    private static Double scriptedUserMass(int bucket, String user) {
        if (user == null || logprobText(bucket) == null) {
            return null;
        }
        double a = bucket <= 4 ? 0.6 : 0.1;
        double b = bucket <= 4 ? 0.3 : 0.8;
        return switch (user) {
            case "A" -> a / (a + b);
            case "B" -> b / (a + b);
            default -> 0.0;
        };
    }

    private static void recount(Map<String, long[]> counts, DatasetItem item, PromptVariant v, String text) {
        ModelRequest request = ModelRequest.newBuilder()
                .setRequestId("r").setTargetId("t").setItemId(item.getItemId()).setTask(item.getTask())
                .setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer())
                .setBackend("openai").setCreatedAtMs(0L).build();
        ModelReply reply = ModelReply.newBuilder().setRequestId("r").setTargetId("t").setText(text)
                .setError(text == null ? "scripted failure" : null).setWorkerId("offline").setRepliedAtMs(0L).build();
        var scored = Scorer.score(request, reply, 0L);
        String task = item.getTask();
        if (v.userAnswer() != null) {
            count(counts, task + "|" + MetricNames.SYCOPHANCY, Boolean.TRUE.equals(scored.getMatchesUser()));
        }
        count(counts, task + "|" + MetricNames.UNPARSEABLE, scored.getStatus() == AnswerStatus.UNPARSEABLE);
        count(counts, task + "|" + MetricNames.FAILED, scored.getStatus() == AnswerStatus.FAILED);
    }

    private static void count(Map<String, long[]> m, String key, boolean hit) {
        long[] c = m.computeIfAbsent(key, k -> new long[2]);
        c[0] += hit ? 1 : 0;
        c[1]++;
    }
}
