package dev.sycostream.training;

import dev.sycostream.history.TrainingSetReader;

import dev.sycostream.history.TrainingExport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.SyntheticTemplates;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paper §4 end to end on the in-process broker: labelled rows → synthetic candidates → opinion-free requests
 * to two simulated targets with knowledge K → filtration → {@code sycostream.training.synthetic} → one
 * exported file per target. Filtration must keep about K of the candidates (within the Wilson 95% interval),
 * exactly the ones the target answered correctly, and every kept example's answer must be the correct one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyntheticInterventionIT {
    private static final int ROWS = 1200;
    private static final List<SimSpec> SIMS = List.of(
            SimSpec.parse("knows:sycophancy=0.7,knowledge=0.8,seed=4"),
            SimSpec.parse("guesses:sycophancy=0.7,knowledge=0.5,seed=5"));

    @TempDir
    static Path dir;
    private EmbeddedStack stack;
    private EvaluationRun run;
    private Map<String, DatasetItem> items;
    private Map<String, MetricResult> cumulative;
    private Map<String, TrainingExporter.Result> exported;
    private long rejected;

    @BeforeAll
    void runTheLoop() throws Exception {
        Path rows = dir.resolve("sst2.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            lines.add("{\"sentence\": \"review " + i + (i % 2 == 0 ? " was a joy to watch" : " dragged on and on")
                    + "\", \"label\": " + (i % 2 == 0 ? 1 : 0) + "}");
        }
        lines.add("{\"sentence\": \"a row with a bad label\", \"label\": 7}");
        Files.write(rows, lines);

        stack = new EmbeddedStack(null).start();
        SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                dir.resolve("state"), 3);
        run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1);
        for (SimSpec sim : SIMS) {
            run.register(TargetRegistrar.target(sim.name(), "sim", "ck", "simulated", sim.params()));
        }
        ReadResult data = DatasetSpec.parse("classification:sst2=" + rows, null).load(11L, System.currentTimeMillis());
        rejected = run.ingest(data).rejected();
        items = data.items().stream().collect(Collectors.toMap(DatasetItem::getItemId, Function.identity()));
        assertThat(run.awaitComplete(Duration.ofMinutes(5), l -> System.err.println("IT progress: " + l))).isTrue();
        cumulative = run.finalResults().stream().collect(Collectors.toMap(
                r -> r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), r -> r));
        Map<String, Long> expected = run.expectedTrainingExamples(true);
        assertThat(run.awaitTrainingExamples(expected, Duration.ofMinutes(2))).isTrue();
        exported = TrainingExport.exportAll(config.clientConfig(), run.topics(), run.targets(), dir.resolve("export"),
                ExportFormat.PROMPT_COMPLETION);
    }

    @AfterAll
    void stop() {
        if (run != null) {
            run.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theOutOfRangeRowIsRejectedAndEveryOtherRowUsedOnce() {
        assertThat(rejected).isEqualTo(1);
        assertThat(items).hasSize(ROWS);
        long heldout = items.values().stream().filter(i -> Tasks.isSyntheticHeldout(i.getTask())).count();
        assertThat(heldout).isBetween(60L, 180L); // about 10% held out
    }

    @Test
    void filtrationKeepsAboutKOfTheCandidatesPerTarget() {
        long candidates = items.values().stream().filter(i -> Tasks.isSyntheticCandidate(i.getTask())).count();
        for (SimSpec sim : SIMS) {
            MetricResult kept = cumulative.get(sim.name() + "|" + Tasks.synthetic("sst2") + "|" + MetricNames.FILTER_KEPT);
            assertThat(kept.getN()).isEqualTo(candidates);
            assertThat(sim.knowledge()).as("%s kept %d/%d [%.3f, %.3f]", sim.name(), kept.getCount(), kept.getN(),
                    kept.getCiLow(), kept.getCiHigh()).isBetween(kept.getCiLow(), kept.getCiHigh());
        }
    }

    @Test
    void everyKeptExampleTeachesTheCorrectAnswerWhateverTheOpinion() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (SimSpec sim : SIMS) {
            MetricResult kept = cumulative.get(sim.name() + "|" + Tasks.synthetic("sst2") + "|" + MetricNames.FILTER_KEPT);
            TrainingExporter.Result r = exported.get(sim.name());
            assertThat(r.generated()).isEqualTo(kept.getCount());
            List<String> lines = Files.readAllLines(r.file());
            assertThat(lines).hasSize((int) kept.getCount());
            long agreeingUsers = 0;
            for (String line : lines) {
                JsonNode node = json.readTree(line);
                String prompt = node.get("prompt").asText();
                // Find the candidate this prompt was rendered from and check the target answer is the truth.
                DatasetItem item = items.values().stream()
                        .filter(i -> i.getSynthetic() != null && SyntheticTemplates.withOpinion(i.getSynthetic()).equals(prompt))
                        .findFirst().orElseThrow();
                assertThat(Tasks.isSyntheticCandidate(item.getTask())).as("held-out items are never exported").isTrue();
                assertThat(node.get("completion").asText()).isEqualTo(SyntheticTemplates.targetAnswer(item.getSynthetic()));
                assertThat(SyntheticTemplates.targetLabel(item.getSynthetic()))
                        .isEqualTo(item.getSynthetic().getClaimTrue() ? "Agree" : "Disagree");
                agreeingUsers += item.getSynthetic().getOpinion().equals("agree") ? 1 : 0;
            }
            // The opinion is random and the answer ignores it: users agree in about half the examples.
            assertThat((double) agreeingUsers / lines.size()).isBetween(0.4, 0.6);
        }
    }

    @Test
    void theTopicHoldsExactlyTheExamplesOfAnswersThatWereCorrect() {
        {
            TrainingSetReader reader = new TrainingSetReader(run.config().clientConfig(), run.topics());
            for (SimSpec sim : SIMS) {
                List<TrainingExample> examples = reader.read(sim.name(), Duration.ofSeconds(30));
                assertThat(examples).allSatisfy(e -> {
                    assertThat(e.getFiltered()).isTrue();
                    DatasetItem item = items.get(e.getItemId());
                    assertThat(e.getOpinionFreeAnswer()).isEqualTo(SyntheticTemplates.correctLetter(item.getSynthetic()));
                });
            }
        }
    }

    @Test
    void heldOutClaimsAreEvaluatedLikeTheOtherTasks() {
        for (SimSpec sim : SIMS) {
            String task = Tasks.syntheticHeldout("sst2");
            MetricResult acc = cumulative.get(sim.name() + "|" + task + "|" + MetricNames.ACCURACY_NO_OPINION);
            MetricResult syc = cumulative.get(sim.name() + "|" + task + "|" + MetricNames.SYCOPHANCY);
            assertThat(sim.knowledge()).isBetween(acc.getCiLow(), acc.getCiHigh());
            // Following the user: S, else the model's own answer, which matches the random opinion half the time.
            assertThat(sim.sycophancy() + (1 - sim.sycophancy()) / 2).isBetween(syc.getCiLow(), syc.getCiHigh());
        }
    }
}
