package dev.sycostream.stages.budget;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.budget.RequestCostBound;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.usage.Prices;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 12 on the production topology: a target registered with a replay cap is sent requests only while their
 * reservations fit, its answers (with known usage, answered late and out of order) settle them, and what the
 * answered requests cost never exceeds the cap; the ledger says what was spent and what was left unevaluated.
 */
class ReplayBudgetStageTest {
    private static final Duration SCAN = Duration.ofMillis(200);
    private static final Map<String, String> PRICES = Map.of(Prices.IN, "0.15", Prices.OUT, "0.6");
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, DatasetItem> items;
    private TestInputTopic<String, EvalTarget> targets;
    private TestInputTopic<String, ModelReply> replies;
    private TestOutputTopic<String, ModelRequest> requests;
    private TestOutputTopic<String, ReplaySpend> ledgers;
    private final Random random = new Random(11);
    /** What each answered request cost, pico-USD, by target. */
    private final Map<String, Long> spent = new HashMap<>();
    private final Map<String, Set<String>> sent = new HashMap<>();
    private final List<DatasetItem> stored = new ArrayList<>();

    @BeforeEach
    void setUp() {
        var settings = new SycostreamTopology.Settings(Duration.ofMinutes(1), Duration.ofMinutes(1),
                new RequestFanoutStage.Settings(SCAN, 1000), true);
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, settings), stateDir);
        items = h.input(h.topics.datasetsRaw());
        targets = h.input(h.topics.evalTargets());
        replies = h.input(h.topics.modelReplies());
        requests = h.output(h.topics.modelRequests());
        ledgers = h.output(h.topics.replaySpend());
        Stream.concat(Fixtures.additionItems(60).stream(), Fixtures.perezItems("nlp_survey", 30).stream()).forEach(i -> {
            stored.add(i);
            items.pipeInput(i.getItemId(), i);
        });
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private int expectedRequests() {
        return stored.stream().mapToInt(i -> PromptRenderer.render(i).size()).sum();
    }

    private static EvalTarget target(String id, Long capMicroUsd, long registeredAt) {
        EvalTarget t = Fixtures.target(id, true, registeredAt);
        Map<String, String> params = new HashMap<>(t.getParams());
        params.putAll(PRICES);
        t.setParams(params);
        t.setMaxCostPicoUsd(capMicroUsd == null ? null : capMicroUsd * 1_000_000L);
        return t;
    }

    /** Sends the new requests' replies in random order, a few at a time, with usage within each request's bound. */
    private void answerUntilQuiet() {
        List<ModelRequest> pending = new ArrayList<>();
        while (true) {
            h.driver.advanceWallClockTime(SCAN);
            for (ModelRequest r : requests.readValuesToList()) {
                if (!r.getRetired()) {
                    assertThat(sent.computeIfAbsent(r.getTargetId(), k -> new HashSet<>()).add(r.getRequestId()))
                            .as("sent once: %s", r.getRequestId()).isTrue();
                    pending.add(r);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            Collections.shuffle(pending, random);
            int batch = 1 + random.nextInt(Math.min(8, pending.size()));
            for (ModelRequest r : new ArrayList<>(pending.subList(0, batch))) {
                pending.remove(r);
                long in = 20 + random.nextInt(r.getPrompt().length());
                long out = 1 + random.nextInt(64);
                spent.merge(r.getTargetId(), Prices.fromParams(PRICES).orElseThrow().costPicoUsd(in, out), Long::sum);
                replies.pipeInput(r.getRequestId(), ModelReply.newBuilder().setRequestId(r.getRequestId())
                        .setTargetId(r.getTargetId()).setText(" (A)").setWorkerId("w").setRepliedAtMs(5L)
                        .setPromptTokens(in).setCompletionTokens(out).build());
            }
        }
    }

    private Map<String, ReplaySpend> latestLedgers() {
        h.driver.advanceWallClockTime(ReplayBudgetStage.PUBLISH_INTERVAL);
        Map<String, ReplaySpend> latest = new HashMap<>();
        ledgers.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        return latest;
    }

    @Test
    void aCappedReplaySpendsAtMostItsCapAndLeavesTheRestHeldAndCounted() {
        targets.pipeInput("capped", target("capped", 600L, 10L));
        targets.pipeInput("free", target("free", null, 10L));
        answerUntilQuiet();

        int all = expectedRequests();
        assertThat(sent.get("free")).as("an uncapped target gets everything").hasSize(all);
        long cap = 600L * 1_000_000L;
        assertThat(spent.get("capped")).as("what the answered requests cost").isLessThanOrEqualTo(cap);
        ReplaySpend ledger = latestLedgers().get("capped");
        assertThat(ledger.getSettledPicoUsd()).as("settled at the answers' real costs").isEqualTo(spent.get("capped"));
        assertThat(ledger.getReservedPicoUsd()).isZero();
        assertThat(ledger.getSent()).isEqualTo(sent.get("capped").size()).isEqualTo(ledger.getSettled());
        assertThat(ledger.getSent() + ledger.getHeld()).as("every request sent or held").isEqualTo(all);
        assertThat(ledger.getHeld()).as("the cap binds").isPositive();
        assertThat(ledger.getHeldByTask().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ledger.getHeld());
        assertThat(ledger.getExhausted()).isTrue();
        System.out.printf("replay cap %d pico-USD: %d of %d requests sent, %d pico-USD spent, %d held%n",
                cap, ledger.getSent(), all, ledger.getSettledPicoUsd(), ledger.getHeld());
        ModelRequest next = firstHeld();
        long nextBound = next == null ? 0 : RequestCostBound.picoUsd(next);
        assertThat(ledger.getSettledPicoUsd() + nextBound).as("it stopped only when the next one could not fit")
                .isGreaterThan(cap);
        assertThat(ledger.getSpentUsd()).isEqualTo(Prices.usd(spent.get("capped")).doubleValue());
    }

    /** The held request the gate would release next (held requests go in key order). */
    private ModelRequest firstHeld() {
        try (var it = h.driver.<String, ModelRequest>getKeyValueStore(ReplayBudgetStage.HELD_STORE).all()) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    @Test
    void registeringTheTargetAgainWithAHigherCapSendsWhatWasHeldOnceAndNothingTwice() {
        targets.pipeInput("capped", target("capped", 300L, 10L));
        answerUntilQuiet();
        long heldBefore = latestLedgers().get("capped").getHeld();
        assertThat(heldBefore).isPositive();

        targets.pipeInput("capped", target("capped", 100_000L, 20L)); // a new registration: the fan-out scans again
        answerUntilQuiet();
        ReplaySpend ledger = latestLedgers().get("capped");
        assertThat(ledger.getHeld()).isZero();
        assertThat(ledger.getExhausted()).isFalse();
        assertThat(sent.get("capped")).as("each request sent once over both registrations").hasSize(expectedRequests());
        assertThat(ledger.getSent()).isEqualTo(expectedRequests());
        assertThat(ledger.getSettledPicoUsd()).isEqualTo(spent.get("capped"));
    }

    @Test
    void aRetiredItemLeavesTheHeldRequestsAndAnAnswerWithoutUsageIsChargedItsReservation() {
        targets.pipeInput("capped", target("capped", 300L, 10L));
        h.driver.advanceWallClockTime(SCAN);
        List<ModelRequest> first = requests.readValuesToList();
        ReplaySpend before = latestLedgers().get("capped");
        assertThat(before.getSent()).isEqualTo(first.size());
        assertThat(before.getReservedPicoUsd()).isEqualTo(first.stream().mapToLong(RequestCostBound::picoUsd).sum());

        ModelRequest noUsage = first.get(0);
        replies.pipeInput(noUsage.getRequestId(), ModelReply.newBuilder().setRequestId(noUsage.getRequestId())
                .setTargetId("capped").setText(" (A)").setWorkerId("w").setRepliedAtMs(5L).build());
        ReplaySpend charged = latestLedgers().get("capped");
        assertThat(charged.getSettledPicoUsd()).isEqualTo(RequestCostBound.picoUsd(noUsage));

        Set<String> sentItems = new HashSet<>();
        first.forEach(r -> sentItems.add(r.getItemId()));
        DatasetItem heldItem = stored.stream().filter(i -> !sentItems.contains(i.getItemId())).findFirst().orElseThrow();
        int variants = PromptRenderer.render(heldItem).size();
        items.pipeInput(heldItem.getItemId(), null);
        h.driver.advanceWallClockTime(SCAN);
        List<ModelRequest> retired = requests.readValuesToList();
        assertThat(retired).hasSize(variants).allSatisfy(r -> assertThat(r.getRetired()).isTrue());
        ReplaySpend after = latestLedgers().get("capped");
        assertThat(after.getHeld()).isEqualTo(charged.getHeld() - variants);
        assertThat(after.getSent() + after.getHeld()).isEqualTo(expectedRequests() - variants);
    }
}
