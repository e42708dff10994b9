package dev.sycostream.probing;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeLedgerRound;
import dev.sycostream.avro.ProbeLedgerState;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.serde.WireFormat;
import dev.sycostream.stages.probing.ProbeStage;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.ProbeDriftHarness;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe schedule on the production topology: stratified rounds, fresh ids, the budget, the upgrade of its ledger. */
class ProbeScheduleTopologyTest {
    @TempDir
    Path stateDir;

    private static final long HOUR = Duration.ofHours(1).toMillis();

    private static void loadItems(ProbeDriftHarness p) {
        p.load(Fixtures.additionItems(40));
        p.load(Fixtures.perezItems(Tasks.NLP_SURVEY, 10));
        p.load(Fixtures.perezItems(Tasks.PHILPAPERS, 10));
    }

    @Test
    void roundsAreStratifiedByTaskAndVariantWithFreshIdsAndNeverExceedTheBudget() throws Exception {
        List<ProbeRound> rounds;
        List<ModelRequest> probes = new ArrayList<>();
        List<Long> probeTimes = new ArrayList<>();
        try (ProbeDriftHarness p = new ProbeDriftHarness(stateDir, SycostreamTopology.Settings.DEFAULT)) {
            loadItems(p);
            p.targets.pipeInput("t", ProbeDriftHarness.target("t", "0.3", ProbeBudgets.parse("120/h")));
            // Irregular steps, some shorter than the tick, some far longer than a round's share of the budget.
            long[] steps = {500, 1_000, 7_000, 90_000, 200_000, 1_000, 1_000, 3_600_000, 30_000, 150_000, 150_000};
            for (int i = 0; i < 200; i++) {
                p.advanceAndAnswer(Duration.ofMillis(steps[i % steps.length]));
            }
            for (int i = 0; i < 150; i++) { // then 75 minutes of steady ticks: a full hour at the budget
                p.advanceAndAnswer(Duration.ofSeconds(30));
            }
            for (int i = 0; i < p.seen.size(); i++) {
                if (p.seen.get(i).getProbeRound() != null) {
                    probes.add(p.seen.get(i));
                    probeTimes.add(p.seenAt.get(i));
                }
            }
            rounds = p.h.output(p.h.topics.probeRounds()).readValuesToList();
        }
        // the evaluation: 40 x 2 + 10 + 10 requests, not probes
        assertThat(probes).isNotEmpty();
        assertThat(rounds).hasSizeGreaterThan(50);
        // every round: one request per task x variant stratum, all with the round in the id, never seen before
        Set<String> ids = new HashSet<>();
        Map<Long, List<ModelRequest>> byRound = new TreeMap<>();
        for (ModelRequest r : probes) {
            assertThat(ids.add(r.getRequestId())).as("fresh id %s", r.getRequestId()).isTrue();
            assertThat(r.getRequestId()).startsWith("probe-" + r.getProbeRound() + "-");
            byRound.computeIfAbsent(r.getProbeRound(), k -> new ArrayList<>()).add(r);
        }
        for (ProbeRound round : rounds) {
            assertThat(round.getStrata()).containsOnly(Map.entry("addition/no_opinion", 1), Map.entry("addition/with_opinion", 1),
                    Map.entry("nlp_survey/with_opinion", 1), Map.entry("philpapers2020/with_opinion", 1));
            assertThat(byRound.get(round.getRound())).hasSize(4)
                    .allSatisfy(r -> assertThat(r.getProbeRoundAtMs()).isEqualTo(round.getAtMs()));
            assertThat(round.getSentInPeriod()).isLessThanOrEqualTo(120);
        }
        assertThat(rounds).extracting(ProbeRound::getRound).isSorted().doesNotHaveDuplicates();
        assertThat(rounds.get(0).getRound()).isEqualTo(1);
        // both variants of an addition item go in the same round; items are taken in turn (10 Perez items: all used)
        assertThat(probes.stream().filter(r -> r.getTask().equals(Tasks.NLP_SURVEY)).map(ModelRequest::getItemId).distinct())
                .hasSize(10);
        // the budget: in every window of an hour, at most 120 probe requests
        for (int i = 0; i < probeTimes.size(); i++) {
            long end = probeTimes.get(i);
            long inWindow = probeTimes.stream().filter(t -> t > end - HOUR && t <= end).count();
            assertThat(inWindow).as("probe requests in the hour up to %d", end).isLessThanOrEqualTo(120);
        }
        // and the budget is used: the busiest hour holds a full budget
        long busiest = 0;
        for (long end : probeTimes) {
            busiest = Math.max(busiest, probeTimes.stream().filter(t -> t > end - HOUR && t <= end).count());
        }
        assertThat(busiest).isEqualTo(120);
    }

    @Test
    void aBudgetSmallerThanARoundRotatesTheStrataAndTargetsWithoutABudgetAreNotProbed() throws Exception {
        List<ProbeRound> rounds;
        List<ModelRequest> seen;
        List<dev.sycostream.avro.DeadLetter> dead;
        try (ProbeDriftHarness p = new ProbeDriftHarness(stateDir, SycostreamTopology.Settings.DEFAULT)) {
            loadItems(p);
            // an item that cannot be rendered (its user view is no choice): dead-lettered once, never probed
            var bad = Fixtures.perezItems(Tasks.NLP_SURVEY, 11).get(10);
            bad.getPerez().setAnswerMatchingBehavior(" (Z)");
            p.items.pipeInput(bad.getItemId(), bad);
            p.targets.pipeInput("small", ProbeDriftHarness.target("small", "0.3", ProbeBudgets.parse("3/h")));
            p.targets.pipeInput("none", ProbeDriftHarness.target("none", "0.3", null));
            for (int i = 0; i < 40; i++) {
                p.advanceAndAnswer(Duration.ofMinutes(15));
            }
            rounds = p.h.output(p.h.topics.probeRounds()).readValuesToList();
            seen = p.seen;
            dead = p.h.deadLetters().readValuesToList();
        }
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getReason()).contains("answer_matching_behavior");
        assertThat(seen).noneMatch(r -> r.getItemId().equals(Fixtures.perezItems(Tasks.NLP_SURVEY, 11).get(10).getItemId()));
        assertThat(rounds).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getTargetId()).isEqualTo("small");
            assertThat(r.getRequests()).isEqualTo(3);
            assertThat(r.getSentInPeriod()).isLessThanOrEqualTo(3);
        });
        Set<String> strata = new HashSet<>();
        rounds.forEach(r -> strata.addAll(r.getStrata().keySet()));
        assertThat(strata).hasSize(4);
        assertThat(seen).filteredOn(r -> r.getTargetId().equals("none")).allSatisfy(r -> assertThat(r.getProbeRound()).isNull());
    }

    /**
     * The upgrade of {@code probing-ledger-store}: an earlier version left "next;t1:n1,..." text in its changelog and
     * a restore puts it into the store as it is. The round numbers go on from it, the budget counts its rounds, and
     * the ledger is Avro once the next round is sent.
     */
    @Test
    void theScheduleGoesOnFromTheLegacyLedgerTextOfAnEarlierVersion() throws Exception {
        long start = TopologyHarness.START_MS;
        List<ProbeRound> rounds;
        byte[] raw;
        ProbeLedgerState stored;
        try (ProbeDriftHarness p = new ProbeDriftHarness(stateDir, SycostreamTopology.Settings.DEFAULT)) {
            loadItems(p);
            p.targets.pipeInput("t", ProbeDriftHarness.target("t", "0.3", ProbeBudgets.parse("120/h")));
            // rounds 1 to 6 were sent; round 6 (4 requests) a minute ago, a large one two hours ago (out of the period)
            String legacy = "7;" + (start - 2 * HOUR) + ":100," + (start - 60_000) + ":4";
            p.h.restoreRaw(ProbeStage.LEDGER_STORE, "t", legacy.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 10; i++) {
                p.advanceAndAnswer(Duration.ofSeconds(30));
            }
            rounds = p.h.output(p.h.topics.probeRounds()).readValuesToList();
            raw = p.h.rawValue(ProbeStage.LEDGER_STORE, "t");
            KeyValueStore<String, ProbeLedgerState> ledgers = p.h.driver.getKeyValueStore(ProbeStage.LEDGER_STORE);
            stored = ledgers.get("t");
        }
        assertThat(rounds).isNotEmpty();
        ProbeRound first = rounds.get(0);
        assertThat(first.getRound()).as("numbers go on after the legacy ledger's").isEqualTo(7);
        // a round of 4 is due 2 minutes (an hour x 4 / 120) after the legacy ledger's last round, not before
        assertThat(first.getAtMs()).isGreaterThanOrEqualTo(start - 60_000 + 120_000);
        assertThat(first.getSentInPeriod()).as("the legacy round of a minute ago counts, the 2-hour-old one not")
                .isEqualTo(4 + 4);
        assertThat(rounds).extracting(ProbeRound::getRound).containsExactly(
                java.util.stream.LongStream.rangeClosed(7, 6 + rounds.size()).boxed().toArray(Long[]::new));
        assertThat(raw[0]).as("rewritten in the Avro wire format").isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(stored.getNextRound()).isEqualTo(7 + rounds.size());
        assertThat(stored.getRecent()).extracting(ProbeLedgerRound::getAtMs).contains(start - 60_000)
                .doesNotContain(start - 2 * HOUR);
    }
}
