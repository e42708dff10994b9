package dev.sycostream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code sycostream} command. */
@Command(name = "sycostream", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "sycostream 0.1.0",
        description = "Measures LLM sycophancy continuously on Kafka (Wei et al. 2023).",
        subcommands = {DemoCommand.class, BenchCommand.class, PipelineCommand.class, WorkerCommand.class, IngestCommand.class,
                TargetCommand.class, ReportCommand.class, CompareCommand.class, RescoreCommand.class, ExportTrainingCommand.class, TopicsCommand.class, DescribeTopologyCommand.class})
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
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean verbose = parsed.matchedOption("--verbose") != null;
            cmd.getErr().println("error: " + message(e));
            if (verbose) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(run with --verbose for the stack trace)");
            }
            return 1;
        });
        return cli.execute(args);
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
