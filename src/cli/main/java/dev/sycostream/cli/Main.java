package dev.sycostream.cli;

import java.util.Comparator;
import java.util.ServiceLoader;


import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code sycostream} command. */
@Command(name = "sycostream", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "sycostream 0.1.0",
        description = "Measures LLM sycophancy continuously on Kafka (Wei et al. 2023).",
        subcommands = {PipelineCommand.class, WorkerCommand.class, IngestCommand.class,
                TargetCommand.class, ReportCommand.class, CompareCommand.class, RescoreCommand.class, ExportTrainingCommand.class, DeadLetterCommand.class, TopicsCommand.class, DescribeTopologyCommand.class})
public final class Main implements Runnable {
    static final String SERIALIZABLE_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        // Avro 1.12.2 refuses to (de)serialize generated classes outside the packages named here.
        if (System.getProperty(SERIALIZABLE_PACKAGES) == null) {
            System.setProperty(SERIALIZABLE_PACKAGES, "dev.sycostream.avro,java.lang,java.util,org.apache.avro.util");
        }
        CommandLine cli = withLocalCommands(new CommandLine(new Main()));
        // Misuse (unknown option, missing parameter, bad value) is one line naming the fix, not the usage text.
        cli.setParameterExceptionHandler((e, args2) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            if (verboseRequested(args2)) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // --verbose is inherited by every subcommand, so it is matched on whichever command it was given to.
            boolean verbose = verboseRequested(args);
            if (verbose) {
                cmd.getErr().println("error: " + message(e));
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("error: " + message(e) + " (--verbose shows the stack trace)");
            }
            cmd.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * Adds the commands found through {@link LocalCommand} (demo and bench, in the local module, which alone has the
     * embedded broker). The production jar has none of them.
     */
    private static CommandLine withLocalCommands(CommandLine cli) {
        ServiceLoader.load(LocalCommand.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(LocalCommand::order)).forEach(cli::addSubcommand);
        return cli;
    }

    private static boolean verboseRequested(String[] args) {
        return java.util.Arrays.asList(args).contains("--verbose");
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
