package dev.sycostream.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a command run in-process ({@code Main.execute}) prints on stdout or stderr, captured while it runs and echoed
 * afterwards so the test log still shows it. Synchronized: {@code System.out} / {@code System.err} are global.
 */
public final class CapturedOutput {
    /** A body that may throw (assertions, checked exceptions of the command). */
    public interface Body {
        void run() throws Exception;
    }

    private CapturedOutput() {
    }

    public static String stdout(Body body) throws Exception {
        return capture(body, () -> System.out, System::setOut);
    }

    public static String stderr(Body body) throws Exception {
        return capture(body, () -> System.err, System::setErr);
    }

    private static synchronized String capture(Body body, Supplier<PrintStream> current, Consumer<PrintStream> set)
            throws Exception {
        PrintStream before = current.get();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        set.accept(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            set.accept(before);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        before.println(text);
        return text;
    }
}
