package dev.sycostream.probing;

import dev.sycostream.avro.ProbeLedgerRound;
import dev.sycostream.avro.ProbeLedgerState;

import java.util.ArrayList;
import java.util.List;

/**
 * A target's probe schedule state, kept in {@code probing-ledger-store}: the next round number and the rounds
 * sent within the last budget period (time and size), which is what the budget is checked against.
 * Stored as a {@link ProbeLedgerState} record (a few dozen rounds at most per period at sensible budgets); a value
 * of the text this store held before that is read by {@link LegacyProbeLedgerText}.
 *
 * <p>The round number only ever grows for a target id, also when it is registered again: a round number used twice
 * would give the same request ids twice, and the scoring stage would (rightly) score the second one never.
 */
public record ProbeLedger(long nextRound, List<long[]> recent) {
    static final ProbeLedger EMPTY = new ProbeLedger(1, List.of());

    public ProbeLedger {
        recent = List.copyOf(recent);
    }

    /** The ledger a store holds; null (a target never probed) is the empty ledger, round 1 next. */
    public static ProbeLedger fromState(ProbeLedgerState state) {
        if (state == null) {
            return EMPTY;
        }
        List<long[]> rounds = new ArrayList<>(state.getRecent().size());
        for (ProbeLedgerRound r : state.getRecent()) {
            rounds.add(new long[]{r.getAtMs(), r.getRequests()});
        }
        return new ProbeLedger(state.getNextRound(), rounds);
    }

    /** The record the store keeps. */
    public ProbeLedgerState toState() {
        List<ProbeLedgerRound> rounds = new ArrayList<>(recent.size());
        for (long[] r : recent) {
            rounds.add(new ProbeLedgerRound(r[0], r[1]));
        }
        return new ProbeLedgerState(nextRound, rounds);
    }

    /** Requests sent in the period (now - periodMs, now]. */
    public int sentSince(long now, long periodMs) {
        int sum = 0;
        for (long[] r : recent) {
            if (r[0] > now - periodMs && r[0] <= now) {
                sum += (int) r[1];
            }
        }
        return sum;
    }

    /** When the last round was sent, or null before the first. */
    public Long lastAt() {
        return recent.isEmpty() ? null : recent.get(recent.size() - 1)[0];
    }

    /** After sending round {@code nextRound} of {@code size} requests at {@code now}: rounds older than a period dropped. */
    public ProbeLedger sent(long now, int size, long periodMs) {
        List<long[]> kept = new ArrayList<>();
        for (long[] r : recent) {
            if (r[0] > now - periodMs) {
                kept.add(r);
            }
        }
        kept.add(new long[]{now, size});
        return new ProbeLedger(nextRound + 1, kept);
    }
}
