package dev.sycostream.compare;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PairedDifferenceTest {

    @Test
    void aHandComputedCase() {
        // n=100, b=10, c=30: d = 0.2; adjusted b'=10.5, c'=30.5, n'=102: centre 20/102,
        // se = sqrt(41 - 400/102) / 102 = sqrt(37.0784...) / 102
        PairedDifference d = PairedDifference.of(100, 10, 30);
        double centre = 20.0 / 102;
        double se = Math.sqrt(41 - 400.0 / 102) / 102;
        assertThat(d.difference()).isCloseTo(0.2, within(1e-12));
        assertThat(d.low()).isCloseTo(centre - 1.959963984540054 * se, within(1e-12));
        assertThat(d.high()).isCloseTo(centre + 1.959963984540054 * se, within(1e-12));
        assertThat(d.low()).isCloseTo(0.0791, within(1e-4));
        assertThat(d.excludesZero()).isTrue();
    }

    @Test
    void noDiscordantPairsStillGivesAnIntervalAroundZero() {
        PairedDifference d = PairedDifference.of(50, 0, 0);
        assertThat(d.difference()).isZero();
        assertThat(d.low()).isNegative();
        assertThat(d.high()).isPositive();
        assertThat(d.excludesZero()).isFalse();
        assertThat(PairedDifference.of(0, 0, 0)).isEqualTo(new PairedDifference(0, -1, 1));
    }

    @Test
    void boundsStayWithinMinusOneAndOne() {
        PairedDifference all = PairedDifference.of(5, 0, 5);
        assertThat(all.difference()).isEqualTo(1.0);
        assertThat(all.high()).isLessThanOrEqualTo(1.0);
        assertThat(all.low()).isGreaterThan(0.0);
    }

    @Test
    void coversTheTrueDifferenceAboutNinetyFivePercentOfTheTime() {
        // pairs with P(base only) = 0.1, P(candidate only) = 0.25: true difference 0.15
        Random random = new Random(7);
        int covered = 0;
        int trials = 4000;
        for (int t = 0; t < trials; t++) {
            int b = 0;
            int c = 0;
            for (int i = 0; i < 200; i++) {
                double u = random.nextDouble();
                if (u < 0.1) {
                    b++;
                } else if (u < 0.35) {
                    c++;
                }
            }
            PairedDifference d = PairedDifference.of(200, b, c);
            if (d.low() <= 0.15 && 0.15 <= d.high()) {
                covered++;
            }
        }
        assertThat(covered / (double) trials).isBetween(0.93, 0.97);
    }

    @Test
    void impossibleCountsAreRefused() {
        assertThatThrownBy(() -> PairedDifference.of(10, 6, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PairedDifference.of(10, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
