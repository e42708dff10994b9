package dev.sycostream.probing;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.ProbeDriftHarness;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.usage.Prices;
import dev.sycostream.worker.backend.Completion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spend budgets on the production topology, the simulated model answering with usage (its word counts) at known
 * prices: over hours of wall-clock punctuation the measured spend of the probes, in every sliding period, never
 * exceeds the budget, and the pacing spends most of it.
 */
class ProbeSpendBudgetTopologyTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();
    @TempDir
    Path stateDir;

    private record Spend(long at, long amount) {
    }

    private static EvalTarget pricedTarget(String budget) {
        EvalTarget t = ProbeDriftHarness.target("paid", "0.3", ProbeBudgets.parse(budget));
        Map<String, String> params = new HashMap<>(t.getParams());
        params.put("usage", "words");
        params.put(Prices.IN, "0.15");
        params.put(Prices.OUT, "0.6");
        t.setParams(params);
        return t;
    }

    /** Runs {@code hours} of 10-second ticks; returns each probe answer's spend in the budget's unit, and the rounds. */
    private List<Spend> run(String budget, int hours, boolean money, List<ProbeRound> rounds) throws Exception {
        List<Spend> spends = new ArrayList<>();
        Prices prices = Prices.fromParams(Map.of(Prices.IN, "0.15", Prices.OUT, "0.6")).orElseThrow();
        try (ProbeDriftHarness p = new ProbeDriftHarness(stateDir, SycostreamTopology.Settings.DEFAULT)) {
            p.load(Fixtures.additionItems(40));
            p.load(Fixtures.perezItems(Tasks.NLP_SURVEY, 10));
            p.load(Fixtures.perezItems(Tasks.PHILPAPERS, 10));
            p.targets.pipeInput("paid", pricedTarget(budget));
            for (int i = 0; i < hours * 360; i++) {
                p.advanceAndAnswer(Duration.ofSeconds(10));
            }
            for (int i = 0; i < p.seen.size(); i++) {
                ModelRequest r = p.seen.get(i);
                if (r.getProbeRound() != null) {
                    Completion c = p.answeredReplies.get(i);
                    spends.add(new Spend(p.seenAt.get(i), money ? prices.costPicoUsd(c.promptTokens(), c.completionTokens())
                            : c.promptTokens() + c.completionTokens()));
                }
            }
            rounds.addAll(p.h.output(p.h.topics.probeRounds()).readValuesToList());
        }
        return spends;
    }

    private static long busiestPeriod(List<Spend> spends, long limit, long period) {
        long busiest = 0;
        for (Spend s : spends) {
            long inWindow = spends.stream().filter(x -> x.at() > s.at() - period && x.at() <= s.at()).mapToLong(Spend::amount).sum();
            assertThat(inWindow).as("spend in the period up to %d", s.at()).isLessThanOrEqualTo(limit);
            busiest = Math.max(busiest, inWindow);
        }
        return busiest;
    }

    @Test
    void aUsdBudgetIsNeverExceededInAnyHourAndMostOfItIsSpent() throws Exception {
        List<ProbeRound> rounds = new ArrayList<>();
        List<Spend> spends = run("0.004usd/h", 3, true, rounds);
        long limit = Prices.picoUsd(new java.math.BigDecimal("0.004"));
        long busiest = busiestPeriod(spends, limit, HOUR);
        System.err.printf("usd budget: %d probe answers, %d rounds, busiest hour %.6f of %.6f USD (%.1f%%)%n",
                spends.size(), rounds.size(), busiest / 1e12, limit / 1e12, 100.0 * busiest / limit);
        assertThat(rounds).hasSizeGreaterThan(100);
        assertThat(busiest).as("the pacing spends most of the budget").isGreaterThan(limit * 7 / 10);
        assertThat(rounds).allSatisfy(r -> {
            assertThat(r.getSpendUnit()).isEqualTo(ProbeBudgets.PICO_USD);
            assertThat(r.getSpendLimit()).isEqualTo(limit);
            assertThat(r.getSpendInPeriod()).isLessThanOrEqualTo(limit);
        });
        // the settled total shown by the last round is what the answers before it cost
        ProbeRound last = rounds.get(rounds.size() - 1);
        long before = spends.stream().filter(s -> s.at() < last.getAtMs()).mapToLong(Spend::amount).sum();
        assertThat(last.getSpentTotal()).isEqualTo(before);
    }

    @Test
    void aTokenBudgetIsNeverExceededInAnyHour() throws Exception {
        List<ProbeRound> rounds = new ArrayList<>();
        List<Spend> spends = run("20000tok/h", 2, false, rounds);
        long busiest = busiestPeriod(spends, 20_000, HOUR);
        System.err.printf("token budget: %d probe answers, %d rounds, busiest hour %d of 20000 tokens%n",
                spends.size(), rounds.size(), busiest);
        assertThat(busiest).isGreaterThan(14_000);
        assertThat(rounds).allSatisfy(r -> assertThat(r.getSpendInPeriod()).isLessThanOrEqualTo(20_000));
    }
}
