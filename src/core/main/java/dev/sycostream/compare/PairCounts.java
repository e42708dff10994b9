package dev.sycostream.compare;

import dev.sycostream.avro.Comparison;

/**
 * The counts a checkpoint comparison of one task and metric rests on: each target's hits and answers (for the rates)
 * and, on the items both answered, the 2×2 table's discordant cells b (only the base hit) and c (only the candidate).
 * Every statistic of {@link CheckpointComparison} is a function of these seven numbers, so the comparison stage keeps
 * them per pair and updates them item by item ({@link #withChange}) instead of pairing every item again.
 */
public record PairCounts(long baseCount, long baseN, long candidateCount, long candidateN,
                         long paired, long baseOnly, long candidateOnly) {
    public static final PairCounts ZERO = new PairCounts(0, 0, 0, 0, 0, 0, 0);

    public PairCounts {
        if (baseCount < 0 || baseCount > baseN || candidateCount < 0 || candidateCount > candidateN || paired < 0
                || paired > Math.min(baseN, candidateN) || baseOnly < 0 || candidateOnly < 0
                || baseOnly + candidateOnly > paired) {
            throw new IllegalArgumentException("inconsistent comparison counts: " + baseCount + "/" + baseN + ", "
                    + candidateCount + "/" + candidateN + ", paired " + paired + " (b=" + baseOnly + ", c=" + candidateOnly + ")");
        }
    }

    /** The counts a comparison record carries. */
    public static PairCounts of(Comparison c) {
        return new PairCounts(c.getBaseCount(), c.getBaseN(), c.getCandidateCount(), c.getCandidateN(),
                c.getPairedN(), c.getBaseOnly(), c.getCandidateOnly());
    }

    /**
     * The counts after one item's outcome of one side changed.
     *
     * @param changedIsBase true when the base target's outcome changed, false for the candidate's
     * @param before        the item's outcome before (null: the side had no outcome for it)
     * @param after         after (null: taken back, e.g. a retraction)
     * @param other         the other side's outcome of the same item (null: it has none, the item is not paired)
     */
    public PairCounts withChange(boolean changedIsBase, Boolean before, Boolean after, Boolean other) {
        long dn = present(after) - present(before);
        long dhit = hit(after) - hit(before);
        long dPaired = other == null ? 0 : dn;
        // the changed side alone hit (a discordant cell of the changed side) / only the other side hit
        long dSelfOnly = other == null || other ? 0 : hit(after) - hit(before);
        long dOtherOnly = other == null || !other ? 0 : miss(after) - miss(before);
        return changedIsBase
                ? new PairCounts(baseCount + dhit, baseN + dn, candidateCount, candidateN, paired + dPaired,
                baseOnly + dSelfOnly, candidateOnly + dOtherOnly)
                : new PairCounts(baseCount, baseN, candidateCount + dhit, candidateN + dn, paired + dPaired,
                baseOnly + dOtherOnly, candidateOnly + dSelfOnly);
    }

    /** Whether both targets have observations (only then is there a comparison to show). */
    public boolean bothObserved() {
        return baseN > 0 && candidateN > 0;
    }

    private static long present(Boolean v) {
        return v == null ? 0 : 1;
    }

    private static long hit(Boolean v) {
        return Boolean.TRUE.equals(v) ? 1 : 0;
    }

    private static long miss(Boolean v) {
        return Boolean.FALSE.equals(v) ? 1 : 0;
    }
}
