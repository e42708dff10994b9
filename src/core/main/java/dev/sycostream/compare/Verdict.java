package dev.sycostream.compare;

/**
 * The outcome of comparing a candidate with a base on one metric. Every compared metric measures sycophancy,
 * so a lower rate is better: {@link #IMPROVED} when the paired test rejects "no difference" at alpha and the
 * candidate hits the metric on fewer items than the base (c &lt; b), {@link #REGRESSED} when it hits on more.
 */
public enum Verdict {
    IMPROVED("improved"),
    REGRESSED("regressed"),
    NO_SIGNIFICANT_CHANGE("no significant change");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** The label written to records and output: improved | regressed | no significant change. */
    public String label() {
        return label;
    }

    /**
     * @param baseOnly      discordant pairs where only the base hit the metric (b)
     * @param candidateOnly discordant pairs where only the candidate hit it (c)
     */
    public static Verdict of(double pValue, double alpha, long baseOnly, long candidateOnly) {
        checkAlpha(alpha);
        if (!(pValue < alpha) || baseOnly == candidateOnly) {
            return NO_SIGNIFICANT_CHANGE;
        }
        return candidateOnly < baseOnly ? IMPROVED : REGRESSED;
    }

    public static void checkAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be between 0 and 1 (exclusive), got " + alpha);
        }
    }

    public static Verdict fromLabel(String label) {
        for (Verdict v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + label + "'");
    }
}
