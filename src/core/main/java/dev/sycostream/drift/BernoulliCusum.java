package dev.sycostream.drift;

/**
 * The log-likelihood ratio increments of a one-sided Bernoulli CUSUM (Page 1954) testing rate p0 against p1:
 * S = max(0, S + x ln(p1/p0) + (1 - x) ln((1 - p1)/(1 - p0))), alarm when S ≥ h. Only the two increments depend
 * on the rates, so they are computed once per observation.
 */
record BernoulliCusum(double hitStep, double missStep) {

    /**
     * @throws IllegalArgumentException unless 0 < p0, p1 < 1 and p0 ≠ p1
     */
    static BernoulliCusum of(double p0, double p1) {
        if (!(p0 > 0 && p0 < 1 && p1 > 0 && p1 < 1) || p0 == p1) {
            throw new IllegalArgumentException("a Bernoulli CUSUM needs two different rates in (0, 1), got " + p0 + " and " + p1);
        }
        return new BernoulliCusum(Math.log(p1 / p0), Math.log((1 - p1) / (1 - p0)));
    }

    /** The statistic after one more observation. */
    double next(double s, boolean hit) {
        return Math.max(0, s + (hit ? hitStep : missStep));
    }
}
