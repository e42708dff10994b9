package dev.sycostream.probing;

import java.util.ArrayList;
import java.util.List;

/**
 * A target's probe schedule state, kept in {@code probing-ledger-store}: the next round number and the rounds
 * sent within the last budget period (time and size), which is what the budget is checked against.
 * Encoded as {@code next;t1:n1,t2:n2,...} (a few dozen rounds at most per period at sensible budgets).
 *
 * <p>The round number only ever grows for a target id, also when it is registered again: a round number used twice
 * would give the same request ids twice, and the scoring stage would (rightly) score the second one never.
 */
public record ProbeLedger(long nextRound, List<long[]> recent) {
    static final ProbeLedger EMPTY = new ProbeLedger(1, List.of());

    public ProbeLedger {
        recent = List.copyOf(recent);
    }

    public static ProbeLedger decode(String text) {
        if (text == null || text.isEmpty()) {
            return EMPTY;
        }
        int semi = text.indexOf(';');
        long next = Long.parseLong(text.substring(0, semi));
        List<long[]> rounds = new ArrayList<>();
        String rest = text.substring(semi + 1);
        if (!rest.isEmpty()) {
            for (String r : rest.split(",")) {
                int colon = r.indexOf(':');
                rounds.add(new long[]{Long.parseLong(r.substring(0, colon)), Long.parseLong(r.substring(colon + 1))});
            }
        }
        return new ProbeLedger(next, rounds);
    }

    public String encode() {
        StringBuilder b = new StringBuilder().append(nextRound).append(';');
        for (int i = 0; i < recent.size(); i++) {
            b.append(i == 0 ? "" : ",").append(recent.get(i)[0]).append(':').append(recent.get(i)[1]);
        }
        return b.toString();
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
