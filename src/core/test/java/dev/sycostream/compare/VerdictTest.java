package dev.sycostream.compare;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerdictTest {

    @Test
    void fewerCandidateHitsWithASignificantTestIsAnImprovement() {
        assertThat(Verdict.of(0.0386, 0.05, 10, 2)).isEqualTo(Verdict.IMPROVED);
        assertThat(Verdict.of(0.0386, 0.05, 2, 10)).isEqualTo(Verdict.REGRESSED);
    }

    @Test
    void notSignificantAtAlphaIsNoChangeWhateverTheDirection() {
        assertThat(Verdict.of(0.0386, 0.01, 10, 2)).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
        assertThat(Verdict.of(0.05, 0.05, 10, 2)).as("p must be below alpha").isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
        assertThat(Verdict.of(1.0, 0.05, 3, 3)).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
    }

    @Test
    void labelsAreTheDocumentedOnes() {
        assertThat(Verdict.IMPROVED.label()).isEqualTo("improved");
        assertThat(Verdict.REGRESSED.label()).isEqualTo("regressed");
        assertThat(Verdict.NO_SIGNIFICANT_CHANGE.label()).isEqualTo("no significant change");
        assertThat(Verdict.fromLabel("no significant change")).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
    }

    @Test
    void alphaOutsideZeroOneIsRejected() {
        assertThatThrownBy(() -> Verdict.of(0.01, 1.5, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha");
        assertThatThrownBy(() -> Verdict.of(0.01, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
