package dev.sycostream.demo;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.cli.Main;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.PerezSample;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.history.DatasetCatalog;
import dev.sycostream.ingest.DatasetIngestor;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.input.ReadResult;
import dev.sycostream.json.Json;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.metrics.Observations;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.scoring.Scorer;
import dev.sycostream.testing.ScriptedOpenAiServer;
import dev.sycostream.testing.ScriptedOpenAiServer.Answer;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The item-identity scenario on the real broker, through {@code sycostream ingest} as a user runs it, against a
 * recording OpenAI-compatible server whose answer is a fixed function of the question it is sent. After every step
 * the counted metrics equal, count for count, an offline recount over the items currently stored of what the server
 * answers to exactly those questions; and the server was asked each of those questions, and nothing else, once.
 * <ol>
 *   <li>an old version's topics: the nlp_survey sample under line-number ids; the political sample by {@code ingest};</li>
 *   <li>200 other political questions from a file: n = 300, none takes a sample question's answer;</li>
 *   <li>the same file again asks nothing; {@code --replace} with one line changed asks that line anew and
 *       makes the task exactly the new file (n = 200, the sample's answers taken back);</li>
 *   <li>the upgrade path: {@code ingest --replace} of the nlp_survey file retires the line-number ids;</li>
 *   <li>refusals: a Git LFS pointer, an empty file, a byte copy under another task (exit 2), a file with no
 *       readable item (exit 1).</li>
 * </ol>
 */
class ItemIdentityIT {
    private static final String TARGET = "chat";
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    @TempDir
    static Path dir;

    /** The server's letter for a question: a fixed function of its text. */
    static String scriptedLetter(String question) {
        return Math.floorMod(question.hashCode(), 3) == 0 ? "B" : "A";
    }

    @Test
    void everyCountedAnswerIsTheAnswerToTheQuestionAskedAndNothingIsAskedTwice() throws Exception {
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(call -> {
            String q = OpenAiPipelineIT.question(call.body().get("messages").get(0).get("content").asText());
            asked.add(q);
            return Answer.ok(ScriptedOpenAiServer.chat(" (" + scriptedLetter(q) + ")"));
        }); EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                    dir.resolve("state"), 3);
            String[] connect = {"--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl()};
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
                ModelSpec chat = ModelSpec.parse(TARGET + "=" + server.baseUrl() + ",model=m1");
                run.register(TargetRegistrar.target(chat.name(), "m1", "endpoint", chat.backend(), chat.params()));

                // 1. What an older version left: nlp_survey under line-number ids; the political sample by ingest.
                ReadResult nlp = PerezSample.load(Tasks.NLP_SURVEY, 0L);
                List<DatasetItem> legacy = new ArrayList<>();
                for (int i = 0; i < nlp.items().size(); i++) {
                    legacy.add(DatasetItem.newBuilder(nlp.items().get(i))
                            .setItemId(String.format("nlp_survey/%05d", i + 1)).setSourceSha256(null).setSourceLine(null).build());
                }
                try (DatasetIngestor ingestor = new DatasetIngestor(config.clientConfig(), run.topics())) {
                    ingestor.ingest(new ReadResult(legacy, List.of()));
                }
                Path samplePolitical = copyResource(Tasks.POLITICAL_TYPOLOGY);
                assertThat(ingest(connect, "perez:political_typology_quiz=" + samplePolitical)).isZero();
                awaitExact(run, asked, 200);

                // 2. 200 other political questions, given as a user might have them (some letters without the space,
                // an extra field): new ids, so asked and counted as themselves.
                List<String> lines = politicalLines(samplePolitical, 200);
                Path file = Files.writeString(dir.resolve("political_200.jsonl"), String.join("\n", lines) + "\n");
                assertThat(ingest(connect, "perez:political_typology_quiz=" + file)).isZero();
                Map<String, MetricResult> m = awaitExact(run, asked, 400);
                assertThat(m.get(Tasks.POLITICAL_TYPOLOGY + "|" + MetricNames.SYCOPHANCY).getN()).isEqualTo(300);

                // 3. The same file again asks nothing; a corrected file replacing the task asks only its changed line.
                assertThat(ingest(connect, "perez:political_typology_quiz=" + file)).isZero();
                List<String> corrected = new ArrayList<>(lines);
                corrected.set(6, corrected.get(6).replace("Respondent 6.", "Respondent 6 (corrected)."));
                Path file2 = Files.writeString(dir.resolve("political_200_v2.jsonl"), String.join("\n", corrected) + "\n");
                assertThat(ingest(connect, "--replace", "perez:political_typology_quiz=" + file2)).isZero();
                m = awaitExact(run, asked, 401);
                assertThat(m.get(Tasks.POLITICAL_TYPOLOGY + "|" + MetricNames.SYCOPHANCY).getN()).isEqualTo(200);
                assertThat(asked.get(400)).contains("Respondent 6 (corrected).");

                // 4. Upgrade: replacing nlp_survey retires the line-number ids; the content ids are asked once each.
                Path sampleNlp = copyResource(Tasks.NLP_SURVEY);
                assertThat(ingest(connect, "--replace", "perez:nlp_survey=" + sampleNlp)).isZero();
                // The line-number ids' questions are asked again under their content ids: the upgrade's one cost.
                m = awaitExact(run, asked, 501, 401);
                assertThat(m.get(Tasks.NLP_SURVEY + "|" + MetricNames.SYCOPHANCY).getN()).isEqualTo(100);
                assertThat(DatasetCatalog.read(config.clientConfig(), run.topics(), TIMEOUT).items())
                        .noneMatch(i -> i.getItemId().matches("nlp_survey/\\d{5}"));

                // 5. Known-bad files are refused before anything is sent.
                Path lfs = Files.writeString(dir.resolve("lfs.jsonl"),
                        "version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 10\n");
                Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
                Path unreadable = Files.writeString(dir.resolve("array.json"), "[{\"q\": 1}, {\"q\": 2}]");
                assertThat(ingest(connect, "perez:philpapers2020=" + lfs)).isEqualTo(2);
                assertThat(ingest(connect, "perez:philpapers2020=" + empty)).isEqualTo(2);
                assertThat(ingest(connect, "perez:philpapers2020=" + sampleNlp)).as("a copy of nlp_survey's file").isEqualTo(2);
                assertThat(ingest(connect, "perez:philpapers2020=" + unreadable)).as("no readable item").isEqualTo(1);
                assertThat(DatasetCatalog.read(config.clientConfig(), run.topics(), TIMEOUT).items())
                        .noneMatch(i -> i.getTask().equals(Tasks.PHILPAPERS));
                assertThat(asked).as("the refused files asked nothing").hasSize(501);
            }
        }
    }

    private static int ingest(String[] connect, String... args) {
        List<String> all = new ArrayList<>(List.of("ingest"));
        all.addAll(List.of(connect));
        all.addAll(List.of(args));
        return Main.execute(all.toArray(String[]::new));
    }

    private static Path copyResource(String task) throws IOException {
        try (var in = ItemIdentityIT.class.getClassLoader().getResourceAsStream(PerezSample.resourcePath(task))) {
            Path out = dir.resolve(task + "-sample.jsonl");
            Files.write(out, in.readAllBytes());
            return out;
        }
    }

    /** {@code count} questions unlike the sample's: its questions, each prefixed with a respondent number. */
    private static List<String> politicalLines(Path sample, int count) throws IOException {
        List<String> source = Files.readAllLines(sample, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(source.get(i % source.size()));
            node.put("question", "Respondent " + i + ". " + node.get("question").asText());
            if (i % 2 == 1) {
                node.put("answer_matching_behavior", node.get("answer_matching_behavior").asText().strip());
            }
            node.put("user_affiliation", i % 3 == 0 ? "liberal" : "conservative");
            out.add(Json.MAPPER.writeValueAsString(node));
        }
        return out;
    }

    /**
     * Waits until the metrics are final for the items stored now, then checks them against the recount and the
     * server's record: {@code totalAsked} questions in all, each once, and those of the stored items among them.
     */
    private static Map<String, MetricResult> awaitExact(EvaluationRun run, List<String> asked, int totalAsked) {
        return awaitExact(run, asked, totalAsked, totalAsked);
    }

    /** As above; {@code distinctAsked} less than the total only where an upgrade asks old questions under new ids. */
    private static Map<String, MetricResult> awaitExact(EvaluationRun run, List<String> asked, int totalAsked,
                                                        int distinctAsked) {
        List<DatasetItem> items = List.copyOf(DatasetCatalog.read(run.config().clientConfig(), run.topics(), TIMEOUT).items());
        assertThat(run.awaitComplete(ExpectedCounts.of(items), TIMEOUT, line -> System.err.println("IT progress: " + line)))
                .as("metrics final for the stored items").isTrue();
        Map<String, MetricResult> cumulative = run.finalResults().stream()
                .filter(r -> r.getTargetId().equals(TARGET) && MetricNames.CUMULATIVE.equals(r.getWindow()))
                .collect(Collectors.toMap(r -> r.getTask() + "|" + r.getMetric(), r -> r));
        Map<String, long[]> recount = new HashMap<>();
        Set<String> questions = new java.util.HashSet<>();
        for (DatasetItem item : items) {
            for (PromptVariant v : PromptRenderer.render(item)) {
                String q = OpenAiPipelineIT.question(v.prompt());
                questions.add(q);
                for (Observations.Observation o : Observations.of(scoreOffline(item, v, scriptedLetter(q)))) {
                    long[] c = recount.computeIfAbsent(item.getTask() + "|" + o.metric(), k -> new long[2]);
                    c[0] += o.hit() ? 1 : 0;
                    c[1]++;
                }
            }
        }
        recount.forEach((key, c) -> assertThat(new long[]{cumulative.get(key).getCount(), cumulative.get(key).getN()})
                .as(key).containsExactly(c[0], c[1]));
        synchronized (asked) {
            assertThat(asked).as("questions asked").hasSize(totalAsked);
            assertThat(Set.copyOf(asked)).as("distinct questions asked").hasSize(distinctAsked);
            assertThat(asked).as("every counted question was sent to the model").containsAll(questions);
        }
        return cumulative;
    }

    private static dev.sycostream.avro.ScoredAnswer scoreOffline(DatasetItem item, PromptVariant v, String letter) {
        ModelRequest request = ModelRequest.newBuilder()
                .setRequestId("r").setTargetId(TARGET).setItemId(item.getItemId()).setTask(item.getTask())
                .setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer())
                .setBackend("openai").setCreatedAtMs(0L).build();
        ModelReply reply = ModelReply.newBuilder().setRequestId("r").setTargetId(TARGET).setText(" (" + letter + ")")
                .setWorkerId("offline").setRepliedAtMs(0L).build();
        return Scorer.score(request, reply, 0L);
    }
}
