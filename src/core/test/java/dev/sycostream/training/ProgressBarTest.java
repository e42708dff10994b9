package dev.sycostream.training;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long nanos;

    private ProgressBar bar(int width) {
        return new ProgressBar(stream, width, () -> nanos);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private static final long MS = 1_000_000L;

    @Test
    void rendersTheBar() {
        assertThat(ProgressBar.render(500, 1000, 10)).isEqualTo("[#####-----] 50% 500/1000");
        assertThat(ProgressBar.render(0, 3, 10)).isEqualTo("[----------] 0% 0/3");
        assertThat(ProgressBar.render(1, 3, 10)).isEqualTo("[###-------] 33% 1/3");
        assertThat(ProgressBar.render(3, 3, 4)).isEqualTo("[####] 100% 3/3");
    }

    @Test
    void redrawsInPlaceAtMostTenTimesASecondAndEndsTheLine() {
        ProgressBar bar = bar(10);
        nanos = 0;
        bar.update(1, 1000);            // first state: drawn
        nanos = 50 * MS;
        bar.update(250, 1000);          // 50 ms later: skipped
        nanos = 100 * MS;
        bar.update(500, 1000);          // 100 ms after the last draw: drawn
        nanos = 120 * MS;
        bar.update(1000, 1000);         // final state: always drawn, then the newline
        bar.finish();                   // nothing more

        assertThat(output()).isEqualTo("\r[----------] 0% 1/1000\r[#####-----] 50% 500/1000\r[##########] 100% 1000/1000\n");
    }

    @Test
    void manyUpdatesGiveFewRedraws() {
        ProgressBar bar = bar(10);
        for (int i = 1; i <= 10_000; i++) {
            nanos = i * 100_000L; // 10 000 updates over one second
            bar.update(i, 10_000);
        }
        String out = output();
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertThat(redraws).isBetween(10L, 12L);
        assertThat(out).endsWith("\r[##########] 100% 10000/10000\n");
    }

    @Test
    void finishShowsWhereItStoppedAndEndsTheLine() {
        ProgressBar bar = bar(10);
        bar.update(1, 10);
        nanos = 10 * MS;
        bar.update(4, 10); // throttled
        bar.finish();
        bar.update(5, 10); // after finish: ignored
        assertThat(output()).isEqualTo("\r[#---------] 10% 1/10\r[####------] 40% 4/10\n");
    }

    @Test
    void printsNothingWhenThereIsNothingToDo() {
        ProgressBar bar = bar(10);
        bar.update(0, 0);
        bar.finish();
        assertThat(output()).isEmpty();
        assertThatThrownBy(() -> new ProgressBar(stream, 0, () -> 0)).hasMessage("progress bar width must be at least 1, got 0");
    }
}
