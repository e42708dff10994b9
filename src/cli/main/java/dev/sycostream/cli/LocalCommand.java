package dev.sycostream.cli;

/**
 * A picocli command that lives in a module above this one (demo and bench need the embedded broker, which the
 * production jar leaves out). Implementations are listed in {@code META-INF/services/dev.sycostream.cli.LocalCommand}
 * and have a public no-argument constructor; {@link Main} adds each as a subcommand, lowest {@link #order()} first.
 */
public interface LocalCommand {
    int order();
}
