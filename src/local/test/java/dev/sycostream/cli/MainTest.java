package dev.sycostream.cli;

import org.junit.jupiter.api.Test;

import static dev.sycostream.testing.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

/** Command-line errors are one clear line and exit code 1, before anything is started. */
class MainTest {

    @Test
    void aBadSimSpecFailsWithItsReason() {
        String[] r = run("demo", "--sim", "x:sycophancy=2,knowledge=0.5");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: invalid --sim 'x:sycophancy=2,knowledge=0.5'");
    }

    @Test
    void badProbeAndDriftSettingsFailWithTheirReasonBeforeConnecting() {
        String[] r = run("demo", "--probe", "120/week");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("invalid probe budget '120/week'").contains("120/h");
        r = run("pipeline", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1",
                "--drift-delta", "1.5");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("drift delta must be in (0, 1), got 1.5");
        r = run("target", "add", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1",
                "--name", "m", "--checkpoint", "c", "--probe", "0/h");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("at least 1 request per period");
    }

    @Test
    void aBadDatasetSpecListsTheAcceptedForms() {
        String[] r = run("demo", "--dataset", "perez:nope=/tmp/x.jsonl");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("unknown task 'nope'").contains("perez:TASK=PATH");
    }

    @Test
    void commandsAgainstAClusterNeedItsAddress() {
        String[] r = run("report", "--bootstrap-servers", "", "--schema-registry-url", "http://x");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("no Kafka bootstrap servers given");
    }

    @Test
    void anUnknownOptionIsOneLineNamingTheHelpAndExit2() {
        String[] r = run("ingest", "--bogus", "addition");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip()).hasLineCount(1).startsWith("error: Unknown option: '--bogus'")
                .endsWith("(see 'sycostream ingest --help')");
        assertThat(run("deadletter", "show")[2].strip()).hasLineCount(1).contains("Missing required parameter");
        assertThat(run("report", "--connect-timeout", "soon")[2].strip()).hasLineCount(1).contains("soon");
    }

    @Test
    void anUnreachableBrokerIsOneLineAndTheStackTraceOnlyWithVerbose() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String[] args = {"report", "--bootstrap-servers", "127.0.0.1:" + closed, "--schema-registry-url", "http://127.0.0.1:" + closed,
                "--connect-timeout", "PT1S"};
        String[] r = run(args);
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2].strip()).hasLineCount(1).startsWith("error: cannot reach Kafka at 127.0.0.1:" + closed)
                .endsWith("(--verbose shows the stack trace)").doesNotContain("\tat ");

        String[] verbose = run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--verbose"))
                .toArray(String[]::new));
        assertThat(verbose[0]).isEqualTo("1");
        assertThat(verbose[2]).startsWith("error: cannot reach Kafka").contains("\tat dev.sycostream.config.ClusterCheck");
    }

    @Test
    void helpListsTheCommands() {
        String[] r = run("--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("demo", "pipeline", "worker", "ingest", "target", "report", "topics", "deadletter");
    }
}
