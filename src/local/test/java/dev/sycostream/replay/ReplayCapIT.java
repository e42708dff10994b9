package dev.sycostream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.cli.Main;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.history.ReplaySpendHistory;
import dev.sycostream.history.ResultsView;
import dev.sycostream.history.UsageHistory;
import dev.sycostream.input.ReadResult;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.testing.CapturedOutput;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20's replay cap on the in-process broker: {@code target add --max-cost-usd 0.002 --wait} replays 450 stored
 * items (600 requests) to a simulated target that reports its word counts as usage, at 0.15 / 0.6 USD per Mtok.
 * What its answers cost (the usage stage's exact sum) stays within the cap, the command exits 3 saying what was left
 * unevaluated, every request sent is answered and counted once, and {@code report --json} shows the ledger.
 * Registering it again with a higher cap evaluates the rest, each request once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayCapIT {
    private static final String TARGET = "paid@ck1";
    private static final long CAP_PICO = 2_000_000_000L; // 0.002 USD
    @TempDir
    static Path stateDir;
    private EmbeddedStack stack;
    private SycostreamConfig config;
    private EvaluationRun run;
    private List<DatasetItem> items;

    @BeforeAll
    void start() throws Exception {
        stack = new EmbeddedStack(null).start();
        config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 3);
        run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1);
        long now = System.currentTimeMillis();
        items = new ArrayList<>(DatasetSpec.parse("addition").load(7L, now).items().subList(0, 150));
        items.addAll(DatasetSpec.parse("perez-sample").load(7L, now).items());
        assertThat(run.ingest(new ReadResult(items, List.of())).accepted()).isEqualTo(450);
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

    private int targetAdd(String maxCostUsd, StringBuilder out) throws Exception {
        int[] code = new int[1];
        out.append(CapturedOutput.stdout(() -> code[0] = Main.execute("target", "add", "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl(), "--name", "paid", "--checkpoint", "ck1",
                "--param", "sycophancy=0.3", "--param", "knowledge=0.9", "--param", "seed=9", "--param", "usage=words",
                "--param", "usd_per_mtok_in=0.15", "--param", "usd_per_mtok_out=0.6",
                "--max-cost-usd", maxCostUsd, "--wait", "--wait-timeout", "PT5M")));
        return code[0];
    }

    private ReplaySpend ledger() {
        return ReplaySpendHistory.latest(config.clientConfig(), run.topics(), Duration.ofSeconds(30)).stream()
                .filter(l -> l.getTargetId().equals(TARGET)).findFirst().orElseThrow();
    }

    /** The target's counted evaluation answers in eval.scored, by request id (a second one for an id fails). */
    private Map<String, ScoredAnswer> scored() {
        Map<String, ScoredAnswer> byId = new HashMap<>();
        TopicSnapshot.read(config.clientConfig(), run.topics().evalScored(), null, Duration.ofSeconds(30), r -> {
            if (r.value() != null && TARGET.equals(r.value().getTargetId()) && !r.value().getRetracted()) {
                assertThat(byId.put(r.value().getRequestId(), r.value())).as("scored once: " + r.value().getRequestId()).isNull();
            }
        });
        return byId;
    }

    private long usagePicoUsd() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long sent = ledger().getSettled();
        while (true) {
            List<UsageResult> usage = UsageHistory.cumulative(config.clientConfig(), run.topics(), Duration.ofSeconds(30))
                    .stream().filter(u -> u.getTargetId().equals(TARGET)).toList();
            long requests = usage.stream().mapToLong(UsageResult::getRequests).sum();
            if (requests == sent || System.nanoTime() > deadline) {
                assertThat(requests).as("the usage stage counted every answer").isEqualTo(sent);
                return usage.stream().mapToLong(u -> u.getCostPicoUsd() == null ? 0 : u.getCostPicoUsd()).sum();
            }
            Thread.sleep(250);
        }
    }

    @Test
    @Order(1)
    void theReplayStopsAtItsCapHavingSpentNoMoreAndSaysWhatWasLeft() throws Exception {
        StringBuilder out = new StringBuilder();
        assertThat(targetAdd("0.002", out)).as("exit 3: stopped at the cap").isEqualTo(3);
        assertThat(out).contains("registered target " + TARGET + ", its replay capped at 0.002 USD",
                "replay of " + TARGET + " stopped at its cap");
        ReplaySpend ledger = ledger();
        assertThat(ledger.getExhausted()).isTrue();
        assertThat(ledger.getReservedPicoUsd()).isZero();
        assertThat(ledger.getHeld()).as("the cap binds").isPositive();
        assertThat(ledger.getSent() + ledger.getHeld()).as("every request sent or held").isEqualTo(600);
        Map<String, ScoredAnswer> scored = scored();
        assertThat(scored).hasSize((int) ledger.getSent());
        long cost = scored.values().stream().mapToLong(ScoredAnswer::getCostPicoUsd).sum();
        assertThat(cost).as("what the answers cost").isEqualTo(ledger.getSettledPicoUsd()).isLessThanOrEqualTo(CAP_PICO);
        assertThat(usagePicoUsd()).as("the usage stage's sum").isEqualTo(cost);
        try (ResultsView view = new ResultsView(config.clientConfig(), run.topics())) {
            view.catchUp(Duration.ofSeconds(30));
            assertThat(ExpectedCounts.answersSeen(view.cumulative(), List.of(TARGET))).isEqualTo(ledger.getSent());
        }
        System.err.printf("IT replay cap: %d of 600 requests sent, %s pico-USD spent of %d, %d left %s%n",
                ledger.getSent(), ledger.getSettledPicoUsd(), CAP_PICO, ledger.getHeld(), ledger.getHeldByTask());

        String json = CapturedOutput.stdout(() -> assertThat(Main.execute("report", "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl(), "--json", "--target", TARGET)).isZero());
        JsonNode caps = new ObjectMapper().readTree(json).get("replay_caps");
        assertThat(caps).hasSize(1);
        assertThat(caps.get(0).get("left_unevaluated").asLong()).isEqualTo(ledger.getHeld());
        assertThat(caps.get(0).get("stopped").asBoolean()).isTrue();
        assertThat(caps.get(0).get("cap_usd").asDouble()).isEqualTo(0.002);
    }

    @Test
    @Order(2)
    void aHigherCapEvaluatesTheRestEachRequestOnce() throws Exception {
        StringBuilder out = new StringBuilder();
        assertThat(targetAdd("1", out)).isZero();
        assertThat(out).contains("replay of " + TARGET + ": 600 / 600 requests answered and scored; metrics are final");
        Map<String, ScoredAnswer> scored = scored();
        assertThat(scored).hasSize(600);
        ReplaySpend ledger = ledger();
        assertThat(ledger.getHeld()).isZero();
        assertThat(ledger.getSent()).isEqualTo(600);
        assertThat(ledger.getSettledPicoUsd()).isEqualTo(scored.values().stream().mapToLong(ScoredAnswer::getCostPicoUsd).sum());
        try (ResultsView view = new ResultsView(config.clientConfig(), run.topics())) {
            view.catchUp(Duration.ofSeconds(30));
            assertThat(ExpectedCounts.of(items).complete(List.of(TARGET), view.cumulative())).isTrue();
        }
    }

    @Test
    @Order(3)
    void aCapOnATargetWithoutPricesIsRefusedBeforeAnythingIsSent() throws Exception {
        String err = CapturedOutput.stderr(() -> assertThat(Main.execute("target", "add", "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl(), "--name", "free", "--checkpoint", "ck1",
                "--max-cost-usd", "1")).isNotZero());
        assertThat(err).contains("--max-cost-usd needs the target's prices");
    }
}
