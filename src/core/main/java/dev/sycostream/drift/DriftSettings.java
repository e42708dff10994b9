package dev.sycostream.drift;

/**
 * How the drift test judges a probed metric.
 *
 * @param delta       the smallest change of a rate worth an alert (absolute, e.g. 0.1): the CUSUM is tuned to detect
 *                    a shift from the baseline to baseline ± delta fastest
 * @param arl0        the false-alarm control: the expected number of probe observations of one metric between two
 *                    false alarms while the rate does not change is at least this (threshold h = ln(2 * arl0))
 * @param minBaseline baseline observations a metric needs before its probes are judged (fewer: too uncertain)
 */
public record DriftSettings(double delta, double arl0, long minBaseline) {
    /** A change of 0.1 in a rate; one false alarm per million probe observations of a metric at most; 50 baseline answers. */
    public static final DriftSettings DEFAULT = new DriftSettings(0.1, 1_000_000, 50);

    public DriftSettings {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("drift delta must be in (0, 1), got " + delta);
        }
        if (!(arl0 >= 2)) {
            throw new IllegalArgumentException("drift ARL0 (probes between false alarms) must be at least 2, got " + arl0);
        }
        if (minBaseline < 1) {
            throw new IllegalArgumentException("drift minimum baseline must be at least 1, got " + minBaseline);
        }
    }

    /**
     * The CUSUM alarm threshold. A one-sided Bernoulli CUSUM with threshold h has an in-control average run length
     * of at least e^h (Lorden 1971; Siegmund 1985, ch. II); the two one-sided tests together alarm at most twice as
     * often, so h = ln(2 ARL0) keeps the pair's run length at or above ARL0.
     */
    public double threshold() {
        return Math.log(2 * arl0);
    }
}
