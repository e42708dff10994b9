package dev.sycostream.probing;

import dev.sycostream.avro.ProbeLedgerRound;
import dev.sycostream.avro.ProbeLedgerState;

import java.util.ArrayList;
import java.util.List;

/**
 * The text {@code probing-ledger-store} held before its values became {@link ProbeLedgerState} records:
 * {@code next;t1:n1,t2:n2,...} (next round number; each recent round's time and size). Only read, for the upgrade:
 * a changelog written by an earlier version still holds such values (see topology/topics.md). Never written.
 */
public final class LegacyProbeLedgerText {
    private LegacyProbeLedgerText() {
    }

    /**
     * @throws IllegalArgumentException naming what is wrong when {@code text} is not in the old format
     */
    public static ProbeLedgerState parse(String text) {
        if (text.isEmpty()) { // the old reader took an empty value for a target never probed
            return ProbeLedger.EMPTY.toState();
        }
        int semi = text.indexOf(';');
        if (semi < 0) {
            throw new IllegalArgumentException("legacy probe ledger without ';' after the next round number");
        }
        long next = number(text.substring(0, semi), "next round number");
        List<ProbeLedgerRound> rounds = new ArrayList<>();
        String rest = text.substring(semi + 1);
        if (!rest.isEmpty()) {
            for (String r : rest.split(",", -1)) {
                int colon = r.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("legacy probe ledger round '" + r + "' is not time:size");
                }
                rounds.add(new ProbeLedgerRound(number(r.substring(0, colon), "round time"),
                        number(r.substring(colon + 1), "round size")));
            }
        }
        return new ProbeLedgerState(next, rounds);
    }

    private static long number(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("legacy probe ledger " + what + " '" + s + "' is not a number");
        }
    }
}
