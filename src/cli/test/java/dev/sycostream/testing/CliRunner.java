package dev.sycostream.testing;

import dev.sycostream.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a sycostream command line in this JVM, as a user would type it, capturing what it prints. */
public final class CliRunner {
    private CliRunner() {
    }

    /** {exit code, stdout, stderr} of {@code sycostream args...}. */
    public static String[] run(String... args) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new String[]{Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
    }
}
