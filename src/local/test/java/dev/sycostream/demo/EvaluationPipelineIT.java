package dev.sycostream.demo;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.input.ReadResult;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.OfflineRecount;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.sycostream.worker.backend.SimulatedModel.expectedAgreeWithOpinion;
import static dev.sycostream.worker.backend.SimulatedModel.expectedAgreeWithoutOpinion;
import static dev.sycostream.worker.backend.SimulatedModel.expectedFlipToUser;
import static dev.sycostream.worker.backend.SimulatedModel.expectedPerezMatchRate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole flow on a real in-process KRaft broker and the in-process registry over HTTP: two simulated
 * targets with known sycophancy S, knowledge K and unparseable share U; the addition set and the Perez
 * sample. Counts must be exact (n = items × variants), and each measured rate's Wilson 95% interval must
 * contain the rate the fixture's parameters imply. One target is registered before the data arrives, the
 * other after it, so both fan-out paths (new item → targets, new target → stored items) are exercised.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationPipelineIT {
    private static final SimSpec EARLY = SimSpec.parse("sycophant:sycophancy=0.8,knowledge=0.9,seed=31,usage=words,"
            + "usd_per_mtok_in=0.15,usd_per_mtok_out=0.6");
    private static final SimSpec LATE = SimSpec.parse("careful:sycophancy=0.15,knowledge=0.7,unparseable=0.05,seed=12");

    @TempDir
    static Path stateDir;
    private EmbeddedStack stack;
    private EvaluationRun run;
    private List<DatasetItem> items;
    private Map<String, MetricResult> cumulative;
    private List<MetricResult> all;
    private List<UsageResult> usage;

    @BeforeAll
    void runTheEvaluation() throws Exception {
        stack = new EmbeddedStack(null).start();
        SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 3);
        run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1);
        run.register(TargetRegistrar.target("sycophant", "sim", "ck1", "simulated", EARLY.params()));
        ReadResult data = ReadResult.concat(List.of(DatasetSpec.parse("addition").load(7L, System.currentTimeMillis()),
                DatasetSpec.parse("perez-sample").load(7L, System.currentTimeMillis())));
        items = data.items();
        assertThat(run.ingest(data).accepted()).isEqualTo(2500 + 300);
        run.register(TargetRegistrar.target("careful", "sim", "ck2", "simulated", LATE.params()));

        boolean done = run.awaitComplete(Duration.ofMinutes(8), line -> System.err.println("IT progress: " + line));
        assertThat(done).as("every request answered and counted within 8 minutes").isTrue();
        all = run.allResults();
        cumulative = run.finalResults().stream().collect(Collectors.toMap(
                r -> r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), r -> r));
        usage = run.finalUsage(run.finalResults());
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
    void countsAreExactlyItemsTimesVariantsForEveryTargetTaskAndMetric() {
        ExpectedCounts expected = ExpectedCounts.of(items);
        assertThat(expected.n(Tasks.ADDITION, MetricNames.AGREE_WRONG_NO_OPINION)).isEqualTo(2500);
        assertThat(expected.n(Tasks.ADDITION, MetricNames.UNPARSEABLE)).isEqualTo(5000);
        for (String target : List.of("sycophant", "careful")) {
            for (var task : expected.asMap().entrySet()) {
                for (var metric : task.getValue().entrySet()) {
                    MetricResult r = cumulative.get(target + "|" + task.getKey() + "|" + metric.getKey());
                    assertThat(r).as(target + " " + task.getKey() + " " + metric.getKey()).isNotNull();
                    assertThat(r.getN()).as("n of " + target + " " + task.getKey() + " " + metric.getKey())
                            .isEqualTo(metric.getValue());
                    assertThat(r.getCount()).isBetween(0L, r.getN());
                }
            }
            for (String task : expected.asMap().keySet()) {
                assertThat(cumulative.get(target + "|" + task + "|failed").getCount()).as("no failed requests").isZero();
            }
        }
        assertThat(cumulative.get("sycophant|addition|unparseable").getCount()).as("U = 0").isZero();
    }

    /**
     * The strongest check: re-running the fixture offline on the same requests (ids are deterministic) gives
     * exactly the pipeline's counts, so the pipeline measures precisely what the model answered.
     */
    @Test
    void countsEqualAnOfflineRecountOfTheSimulatedModelsAnswers() {
        for (SimSpec sim : List.of(EARLY, LATE)) {
            Map<String, long[]> offline = OfflineRecount.counts(sim, items);
            assertThat(offline).isNotEmpty();
            offline.forEach((key, c) -> {
                MetricResult r = cumulative.get(sim.name() + "|" + key);
                assertThat(new long[]{r.getCount(), r.getN()}).as(sim.name() + " " + key).containsExactly(c[0], c[1]);
            });
        }
    }

    /**
     * Each rate's Wilson 95% interval must contain the value the fixture's parameters imply. With about 30
     * such checks, about a third of seeds miss one by chance (1 in 20 per check): seeds 11 and 21 for the
     * sycophant each missed one interval by under 0.002. The seeds are fixed, so the outcome is reproducible,
     * and the exact recount above holds for every seed.
     */
    @Test
    void measuredRatesMatchWhatTheSimulatedModelsParametersImply() {
        for (SimSpec sim : List.of(EARLY, LATE)) {
            double s = sim.sycophancy();
            double k = sim.knowledge();
            double parsed = 1 - sim.unparseable();
            // Every reply counts in n; an unparseable one never counts as agreeing, hence the factor (1 - U).
            expectWithin(sim.name(), Tasks.ADDITION, MetricNames.AGREE_WRONG_NO_OPINION, parsed * expectedAgreeWithoutOpinion(k));
            expectWithin(sim.name(), Tasks.ADDITION, MetricNames.AGREE_WRONG_WITH_OPINION, parsed * expectedAgreeWithOpinion(s, k));
            expectWithin(sim.name(), Tasks.ADDITION, MetricNames.FLIP_TO_USER, parsed * parsed * expectedFlipToUser(s, k));
            for (String task : Tasks.PEREZ_TASKS) {
                // S + (1 - S)/k per question, k its number of choices, averaged over the task's questions.
                double mean = items.stream().filter(i -> i.getTask().equals(task))
                        .mapToDouble(i -> expectedPerezMatchRate(s, PromptRenderer.render(i).get(0).choices().size()))
                        .average().orElseThrow();
                expectWithin(sim.name(), task, MetricNames.SYCOPHANCY, parsed * mean);
                expectWithin(sim.name(), task, MetricNames.UNPARSEABLE, sim.unparseable());
            }
            expectWithin(sim.name(), Tasks.ADDITION, MetricNames.UNPARSEABLE, sim.unparseable());
        }
        soft.assertAll();
    }

    /**
     * Tokens and money: the sycophant reports usage (its words) and has prices, the careful target neither. Per target
     * × task the usage results equal an offline recount exactly: requests, tokens, and the cost in pico-dollars.
     */
    @Test
    void usagePerTargetAndTaskEqualsAnOfflineRecountAndIsUnpricedWithoutPrices() {
        Map<String, UsageResult> byKey = usage.stream().collect(Collectors.toMap(u -> u.getTargetId() + "|" + u.getTask(), u -> u));
        Map<String, long[]> offline = OfflineRecount.usage(EARLY, items);
        assertThat(offline.keySet()).hasSize(4);
        offline.forEach((task, u) -> {
            UsageResult r = byKey.get("sycophant|" + task);
            assertThat(r).as("usage of sycophant " + task).isNotNull();
            assertThat(new long[]{r.getRequests(), r.getPromptTokens(), r.getCompletionTokens(), r.getCostPicoUsd()})
                    .as("sycophant " + task).containsExactly(u);
            assertThat(r.getRequests()).isEqualTo(cumulative.get("sycophant|" + task + "|unparseable").getN());
        });
        for (String task : offline.keySet()) {
            UsageResult r = byKey.get("careful|" + task);
            assertThat(r.getRequests()).isEqualTo(cumulative.get("careful|" + task + "|unparseable").getN());
            assertThat(r.getPromptTokens()).as("no usage reported").isZero();
            assertThat(r.getCostUsd()).as("no prices").isNull();
        }
    }

    @Test
    void theSycophanticTargetMeasuresMoreSycophanticThanTheCarefulOne() {
        for (String task : Tasks.PEREZ_TASKS) {
            assertThat(cumulative.get("sycophant|" + task + "|sycophancy").getCiLow())
                    .isGreaterThan(cumulative.get("careful|" + task + "|sycophancy").getCiHigh());
        }
    }

    @Test
    void windowedCountsAddUpToTheCumulativeOnes() {
        Map<String, Long> windowedN = new HashMap<>();
        all.stream().filter(r -> !r.getWindow().equals(MetricNames.CUMULATIVE)).forEach(r -> {
            assertThat(r.getWindow()).isEqualTo("PT1M");
            assertThat(r.getWindowEndMs() - r.getWindowStartMs()).isEqualTo(60_000L);
            windowedN.merge(r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), r.getN(), Long::sum);
        });
        cumulative.forEach((key, r) -> assertThat(windowedN.get(key)).as(key).isEqualTo(r.getN()));
    }

    private final org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();

    private void expectWithin(String target, String task, String metric, double expected) {
        MetricResult r = cumulative.get(target + "|" + task + "|" + metric);
        assertThat(r).as(target + " " + task + " " + metric).isNotNull();
        System.err.printf("IT rate %s %s %s: expected %.4f, measured %d/%d = %.4f [%.4f, %.4f]%n", target, task, metric,
                expected, r.getCount(), r.getN(), r.getRate(), r.getCiLow(), r.getCiHigh());
        soft.assertThat(expected).as("%s %s %s: expected %.4f within measured %d/%d = %.4f [%.4f, %.4f]",
                        target, task, metric, expected, r.getCount(), r.getN(), r.getRate(), r.getCiLow(), r.getCiHigh())
                .isBetween(r.getCiLow(), r.getCiHigh());
    }
}
