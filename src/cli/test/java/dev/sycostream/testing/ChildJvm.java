package dev.sycostream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code sycostream} command running in its own JVM with the test classpath, as it runs in production: fault
 * tests kill it with SIGKILL ({@link #kill()}), so no shutdown hook, no close and no final commit runs. Its stdout
 * and stderr go to a log file whose tail is shown when a test fails.
 */
public final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Path log;
    private final Process process;

    private ChildJvm(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code java -cp <test classpath> dev.sycostream.cli.Main args...}, logging to {@code logDir/name-N.log}. */
    public static ChildJvm start(String name, Path logDir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
        String trusted = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");
        if (trusted != null) {
            command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=" + trusted);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.sycostream.cli.Main");
        command.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + "-" + System.nanoTime() + ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ChildJvm(name, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name, e);
        }
    }

    /** SIGKILL, then waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Fails with the log's tail if the process has exited: a crash the test did not cause. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited on its own with " + process.exitValue() + "; log tail:\n" + logTail(60));
        }
    }

    /** Waits until its output contains {@code text}; false after {@code timeout}. */
    public boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logTail(Integer.MAX_VALUE).contains(text)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The last {@code lines} lines of its output. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }

    /** Ends it the same way: a test's leftover child must not outlive the test. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
