package dev.sycostream.probing;

import dev.sycostream.avro.ProbeLedgerRound;
import dev.sycostream.avro.ProbeLedgerState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger as its store keeps it (Avro), and the legacy text earlier versions kept ("next;t1:n1,t2:n2"). */
class ProbeLedgerStateTest {
    @Provide
    Arbitrary<ProbeLedgerState> states() {
        Arbitrary<ProbeLedgerRound> round = Arbitraries.longs().tuple2().map(t -> new ProbeLedgerRound(t.get1(), t.get2()));
        return Arbitraries.longs().flatMap(next -> round.list().ofMaxSize(30).map(rs -> new ProbeLedgerState(next, rs)));
    }

    @Property(tries = 300)
    void theLedgerAndItsRecordConvertBothWays(@ForAll("states") ProbeLedgerState state) {
        ProbeLedger ledger = ProbeLedger.fromState(state);
        assertThat(ledger.nextRound()).isEqualTo(state.getNextRound());
        assertThat(ledger.recent()).hasSameSizeAs(state.getRecent());
        assertThat(ledger.toState()).isEqualTo(state);
    }

    @Property(tries = 300)
    void theLegacyTextReadsAsTheSameLedger(@ForAll("states") ProbeLedgerState state) {
        // exactly what ProbeLedger.encode() wrote before the store held Avro
        String legacy = state.getNextRound() + ";" + state.getRecent().stream()
                .map(r -> r.getAtMs() + ":" + r.getRequests()).collect(Collectors.joining(","));
        assertThat(LegacyProbeLedgerText.parse(legacy)).isEqualTo(state);
    }

    @Example
    void noStateIsTheEmptyLedgerAndTheBudgetCountsTheRecordedRounds() {
        assertThat(ProbeLedger.fromState(null).nextRound()).isEqualTo(1);
        assertThat(ProbeLedger.fromState(null).lastAt()).isNull();
        assertThat(LegacyProbeLedgerText.parse("")).isEqualTo(new ProbeLedgerState(1L, List.of()));
        ProbeLedger ledger = ProbeLedger.fromState(LegacyProbeLedgerText.parse("7;1000:50,5000:4"));
        assertThat(ledger.nextRound()).isEqualTo(7);
        assertThat(ledger.lastAt()).isEqualTo(5000L);
        assertThat(ledger.sentSince(6000, 3000)).isEqualTo(4);
        assertThat(ledger.sentSince(6000, 10_000)).isEqualTo(54);
        ProbeLedger next = ledger.sent(7000, 4, 3000); // the round at 1000 is out of the period now
        assertThat(next.toState()).isEqualTo(new ProbeLedgerState(8L,
                List.of(new ProbeLedgerRound(5000L, 4L), new ProbeLedgerRound(7000L, 4L))));
    }

    @Example
    void malformedLegacyTextIsAClearError() {
        assertThatThrownBy(() -> LegacyProbeLedgerText.parse("7"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without ';'");
        assertThatThrownBy(() -> LegacyProbeLedgerText.parse("x;"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("next round number 'x'");
        assertThatThrownBy(() -> LegacyProbeLedgerText.parse("7;1000:4,5000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'5000' is not time:size");
        assertThatThrownBy(() -> LegacyProbeLedgerText.parse("7;1000:4,"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'' is not time:size");
    }
}
