package dev.sycostream.targets;

import dev.sycostream.avro.EvalTarget;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetRegistrarTest {

    @Test
    void buildsAnActiveTargetRegisteredNow() {
        long before = System.currentTimeMillis();
        EvalTarget t = TargetRegistrar.target("intervened-v2.1@ckpt:3+x", "m", "step-1000", "simulated",
                Map.of("sycophancy", "0.2"));

        assertThat(t.getTargetId()).isEqualTo("intervened-v2.1@ckpt:3+x");
        assertThat(t.getModel()).isEqualTo("m");
        assertThat(t.getCheckpoint()).isEqualTo("step-1000");
        assertThat(t.getBackend()).isEqualTo("simulated");
        assertThat(t.getParams()).containsExactly(Map.entry("sycophancy", "0.2"));
        assertThat(t.getActive()).isTrue();
        assertThat(t.getRegisteredAtMs()).isBetween(before, System.currentTimeMillis());
        assertThat(TargetRegistrar.target("b", "m", "c", "simulated", null).getParams()).isEmpty();
    }

    @Test
    void rejectsIdsThatWouldBreakPipeJoinedKeys() {
        for (String bad : new String[] {"a|b", "", "has space", "x".repeat(201), "tab\t", "ü"}) {
            assertThatThrownBy(() -> TargetRegistrar.target(bad, "m", "c", "simulated", Map.of()))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid target id '" + bad + "'")
                    .hasMessageContaining("no '|'");
        }
        assertThatThrownBy(() -> TargetRegistrar.target(null, "m", "c", "simulated", Map.of()))
                .hasMessageStartingWith("invalid target id 'null'");
        assertThat(TargetRegistrar.target("x".repeat(200), "m", "c", "simulated", Map.of()).getTargetId()).hasSize(200);
    }

    @Test
    void rejectsMissingFields() {
        assertThatThrownBy(() -> TargetRegistrar.target("t", "m", "c", " ", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target t: backend must not be empty");
    }
}
