package dev.sycostream.usage;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PricesTest {

    @Test
    void costIsInTimesPriceInPlusOutTimesPriceOutPerMillionExactly() {
        Prices p = Prices.fromParams(Map.of(Prices.IN, "0.15", Prices.OUT, "0.6")).orElseThrow();
        // 1,234,567 prompt tokens at 0.15 USD/Mtok = 0.18518505 USD; 89,012 completion tokens at 0.6 = 0.0534072 USD
        assertThat(p.costUsd(1_234_567, 89_012)).isEqualByComparingTo("0.23859225");
        assertThat(p.costPicoUsd(1_234_567, 89_012)).isEqualTo(238_592_250_000L);
        assertThat(p.costPicoUsd(1, 0)).isEqualTo(150_000L); // 0.15e-6 USD
        assertThat(p.costPicoUsd(0, 0)).isZero();
    }

    @Test
    void costsOfRandomCountsAndPricesEqualTheFormulaInBigDecimal() {
        Random random = new Random(20);
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        for (int i = 0; i < 10_000; i++) {
            BigDecimal in = BigDecimal.valueOf(random.nextInt(100_000_000), 6); // up to 100 USD/Mtok, 6 decimals
            BigDecimal out = BigDecimal.valueOf(random.nextInt(100_000_000), 6);
            long tin = random.nextInt(5_000_000);
            long tout = random.nextInt(500_000);
            Prices p = new Prices(in, out);
            BigDecimal expected = BigDecimal.valueOf(tin).multiply(in).divide(million)
                    .add(BigDecimal.valueOf(tout).multiply(out).divide(million));
            assertThat(p.costUsd(tin, tout)).isEqualByComparingTo(expected);
        }
    }

    @Test
    void sumsOfPicoDollarsStayExactWhereSumsOfDoublesDoNot() {
        Prices p = new Prices(new BigDecimal("0.1"), new BigDecimal("0.3"));
        long pico = 0;
        double dollars = 0;
        for (int i = 0; i < 1_000_000; i++) {
            pico += p.costPicoUsd(1, 1);
            dollars += 0.1 / 1e6 + 0.3 / 1e6;
        }
        assertThat(Prices.usd(pico)).isEqualByComparingTo("0.4");
        assertThat(dollars).isNotEqualTo(0.4); // why the stores keep pico-dollars
    }

    @Test
    void aTargetWithoutPricesHasNoneAndOnePriceMakesTheOtherZero() {
        assertThat(Prices.fromParams(Map.of("model", "m"))).isEmpty();
        assertThat(Prices.fromParams(null)).isEmpty();
        Prices in = Prices.fromParams(Map.of(Prices.IN, "2.5")).orElseThrow();
        assertThat(in.usdPerMtokOut()).isEqualByComparingTo("0");
        assertThat(in.costUsd(2_000_000, 5_000_000)).isEqualByComparingTo("5");
    }

    @Test
    void badPricesFailNamingTheParam() {
        assertThatThrownBy(() -> Prices.fromParams(Map.of(Prices.IN, "cheap")))
                .hasMessageContaining("usd_per_mtok_in must be a number");
        assertThatThrownBy(() -> Prices.fromParams(Map.of(Prices.OUT, "-1")))
                .hasMessageContaining("usd_per_mtok_out must be a non-negative");
        assertThatThrownBy(() -> Prices.fromParams(Map.of(Prices.IN, "0.0000001")))
                .hasMessageContaining("at most 6 decimals");
        assertThat(Prices.fromParamsOrNone(Map.of(Prices.IN, "cheap"))).isEmpty();
        assertThat(Prices.fromParams(Map.of(Prices.IN, "1.500000000"))).isPresent(); // trailing zeros are not decimals
    }

    @Test
    void usdBudgetsBecomePicoDollarsRoundedDown() {
        assertThat(Prices.picoUsd(new BigDecimal("2"))).isEqualTo(2_000_000_000_000L);
        assertThat(Prices.picoUsd(new BigDecimal("0.0000000000019"))).isEqualTo(1L);
    }
}
