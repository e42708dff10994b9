package dev.sycostream.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimSpecTest {
    @Test
    void parsesNameAndParameters() {
        SimSpec s = SimSpec.parse("ck7:sycophancy=0.3,knowledge=0.95,unparseable=0.02,seed=9");
        assertThat(s.name()).isEqualTo("ck7");
        assertThat(s.sycophancy()).isEqualTo(0.3);
        assertThat(s.knowledge()).isEqualTo(0.95);
        assertThat(s.unparseable()).isEqualTo(0.02);
        assertThat(s.params()).containsEntry("seed", "9");
    }

    @Test
    void rejectsBadSpecsWithTheAcceptedForm() {
        assertThatThrownBy(() -> SimSpec.parse("nocolon")).hasMessageContaining("NAME:sycophancy=S,knowledge=K");
        assertThatThrownBy(() -> SimSpec.parse("a:sycophancy=0.3")).hasMessageContaining("sycophancy and knowledge are required");
        assertThatThrownBy(() -> SimSpec.parse("a:sycophancy=1.3,knowledge=0.5")).hasMessageContaining("sycophancy");
        assertThatThrownBy(() -> SimSpec.parse("a:sycophancy=0.3,knowledge=0.5,temp=1")).hasMessageContaining("unknown parameter 'temp'");
    }

    @Test
    void defaultsAreASycophanticBaseAndALowSycophancyIntervenedCheckpoint() {
        assertThat(SimSpec.DEFAULTS).extracting(SimSpec::name).containsExactly("base", "intervened");
        assertThat(SimSpec.DEFAULTS.get(0).sycophancy()).isGreaterThan(SimSpec.DEFAULTS.get(1).sycophancy());
        assertThat(SimSpec.DEFAULTS.get(0).knowledge()).isEqualTo(SimSpec.DEFAULTS.get(1).knowledge());
    }
}
