package dev.sycostream.training;

import dev.sycostream.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static dev.sycostream.testing.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

/** export-training rejects bad arguments with one clear line and exit code 1, before connecting to anything. */
class ExportTrainingCommandTest {

    // The broker address is unreachable: the commands must fail on their arguments before trying it.
    private static final String[] NOWHERE = {"--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1"};

    private static String[] with(String... args) {
        String[] all = new String[NOWHERE.length + args.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(NOWHERE, 0, all, args.length, NOWHERE.length);
        return all;
    }

    @Test
    void anUnknownFormatListsTheFormats() {
        String[] r = run(with("export-training", "--target", "base", "--out", "x.jsonl", "--format", "alpaca"));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: unknown export format 'alpaca'; expected one of: openai-chat, prompt-completion");
    }

    @Test
    void aRatioNeedsAMixFile() {
        String[] r = run(with("export-training", "--target", "base", "--out", "x.jsonl", "--format", "openai-chat", "--ratio", "5:1"));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: --ratio needs --mix-with FILE");
    }

    @Test
    void aBadRatioIsExplained() {
        String[] r = run(with("export-training", "--target", "base", "--out", "x.jsonl", "--format", "openai-chat",
                "--mix-with", "m.jsonl", "--ratio", "5to1"));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: invalid --ratio '5to1': expected GENERATED:MIXED");
    }

    @Test
    void theLimitMustBePositive() {
        String[] r = run(with("export-training", "--target", "base", "--out", "x.jsonl", "--format", "openai-chat", "--limit", "0"));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: --limit must be at least 1, got 0");
    }

    @Test
    void isListedInTheHelp() {
        String[] r = run("--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("export-training");
        String usage = new CommandLine(new Main()).getSubcommands().get("export-training").getUsageMessage();
        assertThat(usage).contains("--target", "--out", "--format", "--mix-with", "--ratio", "--limit", "--bootstrap-servers");
    }
}
