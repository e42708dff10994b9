package dev.sycostream.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressDisplayTest {

    @Test
    void aTerminalGetsOneBarRedrawnInPlace() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressDisplay d = new ProgressDisplay(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        d.accept(new EvaluationRun.Progress(250, 1000, 400, false));
        d.accept(new EvaluationRun.Progress(1000, 1000, 1000, true));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r[#######-----------------------]  25% answered 250 / 1000 requests (workers replied to 400)")
                .contains("\r[##############################] 100% answered 1000 / 1000 requests: metrics are final")
                .endsWith(System.lineSeparator());
        assertThat(out.chars().filter(c -> c == '\n').count()).as("one newline, at the end").isEqualTo(1);
        assertThat(d.interval()).isLessThan(java.time.Duration.ofSeconds(1));
    }

    @Test
    void otherwisePlainLines() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressDisplay d = new ProgressDisplay(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        d.accept(new EvaluationRun.Progress(0, 10, 0, false));
        d.accept(new EvaluationRun.Progress(10, 10, 10, true));
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
                "progress: answered 0 / 10 requests (workers replied to 0)" + System.lineSeparator()
                        + "progress: answered 10 / 10 requests: metrics are final" + System.lineSeparator());
    }
}
