package dev.sycostream.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RescoreCommandTest {

    @Test
    void fromAcceptsEarliestAnInstantOrEpochMillis() {
        assertThat(RescoreCommand.parseFrom("earliest")).isNull();
        assertThat(RescoreCommand.parseFrom("2026-11-27T03:00:00Z")).isEqualTo(1_795_748_400_000L);
        assertThat(RescoreCommand.parseFrom("1795748400000")).isEqualTo(1_795_748_400_000L);
    }

    @Test
    void anythingElseIsRejectedWithTheAcceptedForms() {
        assertThatThrownBy(() -> RescoreCommand.parseFrom("yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid --from 'yesterday'").hasMessageContaining("ISO-8601 instant");
    }

    @Test
    void aBadAlertRuleFailsThePipelineCommandBeforeConnectingWithTheExpectedForm() {
        var err = new java.io.ByteArrayOutputStream();
        var before = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("pipeline", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url",
                    "http://127.0.0.1:1", "--alert", "addition flip_to_user > 0.2");
        } finally {
            System.setErr(before);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("invalid alert rule 'addition flip_to_user > 0.2'", "[TARGET:]TASK/METRIC > X");
    }
}
