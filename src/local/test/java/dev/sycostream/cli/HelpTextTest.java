package dev.sycostream.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static dev.sycostream.testing.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command's {@code --help} prints its usage and nothing picocli complains about: a lone {@code %} in a
 * description is a format conversion to picocli, which then prints {@code [picocli WARN] Could not format ...}.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpPrintsItsUsageWithoutAWarning() {
        List<List<String>> paths = new ArrayList<>();
        collect(rootCommandLine(), new ArrayList<>(), paths);
        // the root, the cluster commands, demo and bench, and sub-commands such as 'target add'
        assertThat(paths).hasSizeGreaterThan(12).anySatisfy(p -> assertThat(p).containsExactly("compare"))
                .anySatisfy(p -> assertThat(p).containsExactly("pipeline")).anySatisfy(p -> assertThat(p).containsExactly("demo"))
                .anySatisfy(p -> assertThat(p).hasSize(2));
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            String[] r = run(args.toArray(String[]::new));
            String shown = "sycostream " + String.join(" ", args);
            assertThat(r[0]).as(shown).isEqualTo("0");
            assertThat(r[1]).as(shown).contains("Usage:");
            assertThat(r[1] + r[2]).as(shown).doesNotContain("picocli WARN").doesNotContain("Could not format");
            assertThat(r[2]).as(shown).isEmpty();
        }
    }

    /** The command tree as {@link Main#execute} builds it, with the local commands (demo, bench) added. */
    private static CommandLine rootCommandLine() {
        CommandLine cli = new CommandLine(new Main());
        java.util.ServiceLoader.load(LocalCommand.class).forEach(cli::addSubcommand);
        return cli;
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias of a command already walked
            }
            List<String> next = new ArrayList<>(path);
            next.add(name);
            collect(sub, next, out);
        });
    }
}
