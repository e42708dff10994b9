package dev.sycostream.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    @Test
    void backoffDoublesWithJitterInTheUpperHalfAndIsCapped() {
        RetryPolicy low = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), () -> 0.0);
        RetryPolicy high = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), () -> 1.0);
        assertThat(low.delayAfter(1, Optional.empty())).isEqualTo(Duration.ofMillis(100));
        assertThat(high.delayAfter(1, Optional.empty())).isEqualTo(Duration.ofMillis(200));
        assertThat(low.delayAfter(2, Optional.empty())).isEqualTo(Duration.ofMillis(200));
        assertThat(high.delayAfter(3, Optional.empty())).isEqualTo(Duration.ofMillis(800));
        assertThat(high.delayAfter(10, Optional.empty())).as("capped").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theServersRetryAfterWinsWhenLonger() {
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.5);
        assertThat(p.delayAfter(1, Optional.of(Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayAfter(1, Optional.of(Duration.ZERO))).isEqualTo(Duration.ofMillis(150));
    }
}
