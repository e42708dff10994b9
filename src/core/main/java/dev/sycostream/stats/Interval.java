package dev.sycostream.stats;

/**
 * A closed interval [low, high] for a proportion.
 *
 * @param low  lower bound, in [0, 1]
 * @param high upper bound, in [low, 1]
 */
public record Interval(double low, double high) {

    public Interval {
        if (!(low >= 0.0 && high <= 1.0 && low <= high)) {
            throw new IllegalArgumentException("not an interval within [0, 1]: [" + low + ", " + high + "]");
        }
    }

    /** True if {@code p} lies within the interval (bounds included). */
    public boolean contains(double p) {
        return p >= low && p <= high;
    }

    /** high - low. */
    public double width() {
        return high - low;
    }
}
