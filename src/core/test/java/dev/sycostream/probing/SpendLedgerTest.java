package dev.sycostream.probing;

import dev.sycostream.avro.ProbeBudget;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpendLedgerTest {
    private static final long HOUR = 3_600_000L;

    private record Answer(long dueAt, long round, long cost, long sentAt) {
    }

    /**
     * A week of 1-second ticks: rounds of 1-4 requests whose true costs vary (a tenth to all of their bound), answered
     * after 0-90 s, some reporting no usage (charged their share of the reservation). The spend of every hour, measured
     * at each answer's send time, never exceeds the budget, and most of it is used.
     */
    @Test
    void aLongSimulatedRunNeverSpendsMoreThanTheBudgetInAnyPeriod() {
        Random random = new Random(20);
        long limit = 1_000_000;
        SpendLedger ledger = new SpendLedger(null);
        Deque<Answer> inFlight = new ArrayDeque<>();
        List<long[]> spent = new ArrayList<>(); // {sent at, cost charged}
        long round = 1;
        for (long now = 0; now < 7 * 24 * HOUR; now += 1_000) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().dueAt() <= now) {
                Answer a = inFlight.pollFirst();
                boolean reported = random.nextInt(50) != 0;
                ledger.settle(a.round(), reported ? a.cost() : null);
            }
            int requests = 1 + random.nextInt(4);
            long[] bounds = new long[requests];
            long bound = 0;
            for (int i = 0; i < requests; i++) {
                bounds[i] = 5_000 + random.nextInt(20_000);
                bound += bounds[i];
            }
            if (ledger.fits(bound, now, HOUR, limit) && ledger.due(requests, bound, now, HOUR, limit)) {
                ledger.reserve(round, requests, bound, now, HOUR);
                for (int i = 0; i < requests; i++) {
                    long cost = bounds[i] / 10 + random.nextInt((int) (bounds[i] - bounds[i] / 10) + 1);
                    inFlight.addLast(new Answer(now + random.nextInt(90_000), round, cost, now));
                    spent.add(new long[]{now, cost});
                }
                List<Answer> sorted = new ArrayList<>(inFlight);
                sorted.sort(java.util.Comparator.comparingLong(Answer::dueAt));
                inFlight.clear();
                inFlight.addAll(sorted);
                assertThat(ledger.charged(now, HOUR)).isLessThanOrEqualTo(limit);
                round++;
            }
        }
        long busiest = 0;
        int start = 0;
        long window = 0;
        for (int end = 0; end < spent.size(); end++) { // sliding hour over the sends, in time order
            window += spent.get(end)[1];
            while (spent.get(start)[0] <= spent.get(end)[0] - HOUR) {
                window -= spent.get(start)[1];
                start++;
            }
            assertThat(window).as("spend of the hour up to %d ms", spent.get(end)[0]).isLessThanOrEqualTo(limit);
            busiest = Math.max(busiest, window);
        }
        System.err.printf("simulated week: %d rounds, busiest hour %d of %d (%.1f%%)%n", round - 1, busiest, limit,
                100.0 * busiest / limit);
        assertThat(busiest).as("pacing by the running estimate uses the budget").isGreaterThan(limit * 8 / 10);
    }

    @Test
    void aRoundIsChargedItsReservationUntilFullyAnsweredThenWhatItCost() {
        SpendLedger ledger = new SpendLedger(null);
        ledger.reserve(1, 2, 100, 0, HOUR);
        assertThat(ledger.charged(0, HOUR)).isEqualTo(100);
        ledger.settle(1, 30L);
        assertThat(ledger.charged(0, HOUR)).as("one answer of two").isEqualTo(100);
        ledger.settle(1, null); // no usage reported: its share of the reservation
        assertThat(ledger.charged(0, HOUR)).isEqualTo(80);
        assertThat(ledger.state().getSettledTotal()).isEqualTo(80);
        assertThat(ledger.charged(HOUR, HOUR)).as("out of the period").isZero();
        assertThat(ledger.fits(100, 0, HOUR, 180)).isTrue();
        assertThat(ledger.fits(101, 0, HOUR, 180)).isFalse();
        // paced by the mean settled spend per answer (40): a round of 2 = 80 of a budget of 800 per hour: every 6 min
        assertThat(ledger.due(2, 100, 359_999, HOUR, 800)).isFalse();
        assertThat(ledger.due(2, 100, 360_000, HOUR, 800)).isTrue();
    }

    @Test
    void budgetsOfRequestsMoneyTokensAndBothAreParsed() {
        ProbeBudget usd = ProbeBudgets.parse("2usd/day");
        assertThat(usd.getSpendUnit()).isEqualTo(ProbeBudgets.PICO_USD);
        assertThat(usd.getSpendLimit()).isEqualTo(2_000_000_000_000L);
        assertThat(usd.getSpendPeriodMs()).isEqualTo(24 * HOUR);
        assertThat(ProbeBudgets.limitsRequests(usd)).isFalse();
        assertThat(ProbeBudgets.format(usd)).isEqualTo("2usd/d");
        ProbeBudget tok = ProbeBudgets.parse("50000tok/h");
        assertThat(tok.getSpendUnit()).isEqualTo(ProbeBudgets.TOKENS);
        assertThat(tok.getSpendLimit()).isEqualTo(50_000);
        ProbeBudget both = ProbeBudgets.parse("120/h, 0.5usd/d");
        assertThat(both.getRequests()).isEqualTo(120);
        assertThat(both.getPeriodMs()).isEqualTo(HOUR);
        assertThat(both.getSpendLimit()).isEqualTo(500_000_000_000L);
        assertThat(ProbeBudgets.format(both)).isEqualTo("120/h,0.5usd/d");
        assertThat(ProbeBudgets.parse("120/h").getSpendLimit()).isNull();
        assertThatThrownBy(() -> ProbeBudgets.parse("120/week")).hasMessageContaining("invalid probe budget '120/week'")
                .hasMessageContaining("120/h");
        assertThatThrownBy(() -> ProbeBudgets.parse("1.5tok/h")).hasMessageContaining("invalid probe budget");
        assertThatThrownBy(() -> ProbeBudgets.parse("1usd/h,2usd/h")).hasMessageContaining("invalid probe budget");
    }

    @Test
    void theBoundCoversEveryByteOfThePromptAndTheCompletionCap() {
        var priced = java.util.Map.of("usd_per_mtok_in", "1", "usd_per_mtok_out", "2", "max_tokens", "8");
        // 5 bytes + 64 overhead prompt tokens at 1 USD/Mtok, 8 completion tokens at 2: 85 micro-USD
        assertThat(SpendBounds.request(ProbeBudgets.PICO_USD, "openai", priced, "héllo".substring(0, 4) + "o"))
                .isEqualTo((6 + 64) * 1_000_000L + 8 * 2_000_000L);
        assertThat(SpendBounds.request(ProbeBudgets.TOKENS, "openai", java.util.Map.of("scoring", "logprobs"), "abc"))
                .isEqualTo(3 + 64 + 1);
        assertThatThrownBy(() -> SpendBounds.request(ProbeBudgets.PICO_USD, "openai", java.util.Map.of(), "abc"))
                .hasMessageContaining("needs the target's prices");
    }
}
