package dev.sycostream.compare;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class McNemarTest {

    @Test
    void knownValues() {
        // b=10, c=2: 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 * 79 / 4096
        assertThat(McNemar.pValue(10, 2)).isCloseTo(158.0 / 4096, within(1e-15));
        assertThat(McNemar.pValue(10, 2)).isCloseTo(0.0386, within(5e-5));
        assertThat(McNemar.pValue(2, 10)).isEqualTo(McNemar.pValue(10, 2));
        // b=5, c=0: 2 / 32
        assertThat(McNemar.pValue(5, 0)).isCloseTo(0.0625, within(1e-15));
        // b=6, c=0: 2 / 64 = 0.03125, the smallest all-one-way sample significant at 0.05
        assertThat(McNemar.pValue(0, 6)).isCloseTo(0.03125, within(1e-15));
    }

    @Test
    void noDifferenceGivesOne() {
        assertThat(McNemar.pValue(0, 0)).isEqualTo(1.0);
        assertThat(McNemar.pValue(7, 7)).isEqualTo(1.0);
        assertThat(McNemar.pValue(1000, 1000)).isEqualTo(1.0);
        assertThat(McNemar.pValue(1, 0)).isEqualTo(1.0);
        assertThat(McNemar.pValue(12, 11)).as("n odd, |b - c| = 1: 2 * 1/2 exactly").isEqualTo(1.0);
        assertThat(McNemar.pValue(13, 11)).isCloseTo(exact(13, 11), within(1e-12)).isLessThan(1.0);
    }

    @Test
    void largeCountsMatchAnExactBigDecimalComputation() {
        for (long[] bc : new long[][]{{600, 500}, {1200, 1100}, {3000, 2950}, {40, 25}}) {
            assertThat(McNemar.pValue(bc[0], bc[1])).as("b=%d c=%d", bc[0], bc[1])
                    .isCloseTo(exact(bc[0], bc[1]), within(1e-12 + 1e-9 * exact(bc[0], bc[1])));
        }
    }

    @Test
    void extremeCountsDoNotUnderflowToNonsense() {
        double p = McNemar.pValue(5000, 0); // 2^-4999: below double range, must be 0 not NaN
        assertThat(p).isBetween(0.0, 1e-300);
        assertThat(McNemar.pValue(100_000, 99_000)).isBetween(0.0, 0.05);
    }

    @Test
    void negativeCountsAreRejected() {
        assertThatThrownBy(() -> McNemar.pValue(-1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b=-1");
    }

    private static double exact(long b, long c) {
        int n = (int) (b + c);
        int k = (int) Math.min(b, c);
        BigInteger sum = BigInteger.ZERO;
        BigInteger coef = BigInteger.ONE;
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                coef = coef.multiply(BigInteger.valueOf(n - i + 1)).divide(BigInteger.valueOf(i));
            }
            sum = sum.add(coef);
        }
        BigDecimal p = new BigDecimal(sum.shiftLeft(1)).divide(new BigDecimal(BigInteger.ONE.shiftLeft(n)), MathContext.DECIMAL128);
        return Math.min(1.0, p.doubleValue());
    }
}
