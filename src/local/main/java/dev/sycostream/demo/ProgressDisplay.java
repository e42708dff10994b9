package dev.sycostream.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The demo's progress on stderr: on a terminal one bar redrawn in place, otherwise (a file, a pipe, CI) a plain
 * {@code progress: ...} line every two seconds, which reads well in a log.
 */
final class ProgressDisplay implements Consumer<EvaluationRun.Progress> {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final boolean terminal;

    ProgressDisplay(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A bar when this JVM has a console (stdin and stdout are a terminal), lines otherwise. */
    static ProgressDisplay forStderr(PrintStream err) {
        return new ProgressDisplay(err, System.console() != null);
    }

    Duration interval() {
        return terminal ? Duration.ofMillis(250) : Duration.ofSeconds(2);
    }

    @Override
    public void accept(EvaluationRun.Progress p) {
        if (terminal) {
            err.print("\r" + bar(p) + "\u001b[K"); // erase what a longer previous line left
            if (p.done()) {
                err.println();
            }
        } else {
            err.println("progress: " + p.line());
        }
        err.flush();
    }

    static String bar(EvaluationRun.Progress p) {
        long total = Math.max(1, p.total());
        int filled = (int) Math.min(WIDTH, p.answered() * WIDTH / total);
        int percent = (int) Math.min(100, p.answered() * 100 / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + String.format("%3d%%", percent) + " " + p.line();
    }
}
