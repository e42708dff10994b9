package dev.sycostream.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Expected values from the closed-form Wilson formula; 81/263 and 15/148 also match the worked examples in
 * Newcombe (1998), "Two-sided confidence intervals for the single proportion" (0.2553-0.3662, 0.0624-0.1605).
 */
class WilsonTest {
    private static final double EPS = 1e-9;

    @Test
    void half() {
        Interval i = Wilson.interval(5, 10);
        assertThat(i.low()).isCloseTo(0.2365930905, within(EPS));
        assertThat(i.high()).isCloseTo(0.7634069095, within(EPS));
    }

    @Test
    void noneAndAll() {
        Interval none = Wilson.interval(0, 10);
        assertThat(none.low()).isEqualTo(0.0);
        assertThat(none.high()).isCloseTo(0.2775327999, within(EPS));
        Interval all = Wilson.interval(10, 10);
        assertThat(all.low()).isCloseTo(0.7224672001, within(EPS));
        assertThat(all.high()).isEqualTo(1.0);
    }

    @Test
    void newcombeExamples() {
        Interval a = Wilson.interval(81, 263);
        assertThat(a.low()).isCloseTo(0.2552885199, within(EPS));
        assertThat(a.high()).isCloseTo(0.3662095770, within(EPS));
        Interval b = Wilson.interval(15, 148);
        assertThat(b.low()).isCloseTo(0.0623863995, within(EPS));
        assertThat(b.high()).isCloseTo(0.1604872417, within(EPS));
    }

    @Test
    void singleObservation() {
        assertThat(Wilson.interval(1, 1).low()).isCloseTo(0.2065493144, within(EPS));
        assertThat(Wilson.interval(0, 1).high()).isCloseTo(0.7934506856, within(EPS));
    }

    @Test
    void noDataIsTheWholeRange() {
        assertThat(Wilson.interval(0, 0)).isEqualTo(new Interval(0.0, 1.0));
    }

    @Test
    void symmetricAndNarrowingWithN() {
        Interval a = Wilson.interval(30, 100);
        Interval b = Wilson.interval(70, 100);
        assertThat(a.low()).isCloseTo(1 - b.high(), within(1e-12));
        assertThat(Wilson.interval(300, 1000).width()).isLessThan(a.width());
        assertThat(a.contains(0.3)).isTrue();
    }

    @Test
    void widerForLargerZ() {
        assertThat(Wilson.interval(30, 100, 3.2905).width()).isGreaterThan(Wilson.interval(30, 100).width());
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> Wilson.interval(11, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wilson.interval(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wilson.interval(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Interval(0.6, 0.4)).isInstanceOf(IllegalArgumentException.class);
    }
}
