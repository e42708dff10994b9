package dev.sycostream.stages.fanout;











import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored text of fan-out progress is what it was before the key codec ("registeredAt|done|cursor"). */
class FanoutProgressEncodingTest {
    @Test
    void encodesAsTheOldConcatenationAndDecodesBack() {
        FanoutProgress started = FanoutProgress.started(1_700_000_000_000L);
        assertThat(started.encode()).isEqualTo(1_700_000_000_000L + "|" + false + "|" + "");
        assertThat(FanoutProgress.decode(started.encode())).isEqualTo(started);

        FanoutProgress done = started.advancedTo("nlp_survey-00042").finished();
        assertThat(done.encode()).isEqualTo("1700000000000|true|nlp_survey-00042");
        assertThat(FanoutProgress.decode(done.encode())).isEqualTo(done);
    }

    @Test
    void aCursorWithTheSeparatorStaysWhole() {
        FanoutProgress p = FanoutProgress.started(5).advancedTo("odd|item|id");
        assertThat(p.encode()).isEqualTo("5|false|odd|item|id");
        assertThat(FanoutProgress.decode(p.encode()).cursor()).isEqualTo("odd|item|id");
    }

    @Test
    void malformedTextIsAClearError() {
        assertThatThrownBy(() -> FanoutProgress.decode("5|false"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3");
    }
}
