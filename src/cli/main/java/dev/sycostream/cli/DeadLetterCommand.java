package dev.sycostream.cli;

import dev.sycostream.deadletter.DeadLetterFilter;
import dev.sycostream.deadletter.DeadLetterFormatter;
import dev.sycostream.errors.DeadLetterReader;
import dev.sycostream.errors.DeadLetterReplayer;
import dev.sycostream.deadletter.StoredDeadLetter;
import dev.sycostream.topics.Topic;
import dev.sycostream.topics.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "deadletter", description = "Inspects and replays sycostream.deadletter: records some stage gave up on, with the reason and the original bytes.",
        subcommands = {DeadLetterCommand.ListLetters.class, DeadLetterCommand.Show.class, DeadLetterCommand.Replay.class})
final class DeadLetterCommand implements Runnable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** The selection shared by list and replay. */
    static final class Selection {
        @Option(names = "--offset", split = ",", paramLabel = "N", description = "Only these offsets of the dead-letter topic.")
        List<Long> offsets = List.of();

        @Option(names = "--stage", description = "Only letters of this stage: ingest, worker, streams-deserialization, streams-processing, ...")
        String stage;

        @Option(names = "--source-topic", paramLabel = "TOPIC", description = "Only letters whose original record was read from TOPIC.")
        String sourceTopic;

        @Option(names = "--reason-contains", paramLabel = "TEXT", description = "Only letters whose reason contains TEXT (any case).")
        String reasonContains;

        DeadLetterFilter filter() {
            return new DeadLetterFilter(new HashSet<>(offsets), stage, sourceTopic, reasonContains);
        }
    }

    static List<StoredDeadLetter> read(ConnectionOptions connection, DeadLetterFilter filter) {
        var config = connection.connect();
        return new DeadLetterReader(config.clientConfig(), new Topics(config.serdeConfig())).readAll(READ_TIMEOUT)
                .stream().filter(filter::matches).toList();
    }

    @Command(name = "list", description = "One line per dead letter: offset, time, stage, source, reason, size.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        Selection selection;

        @Option(names = "--limit", defaultValue = "1000", description = "Print at most N (the newest are last; default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            List<StoredDeadLetter> letters = read(connection, selection.filter());
            List<StoredDeadLetter> shown = letters.subList(Math.max(0, letters.size() - limit), letters.size());
            System.out.println(DeadLetterFormatter.header());
            shown.forEach(l -> System.out.println(DeadLetterFormatter.line(l)));
            System.out.println(letters.size() + " dead letters" + (shown.size() < letters.size() ? " (last " + shown.size() + " shown)" : ""));
            return 0;
        }
    }

    @Command(name = "show", description = "Every field of the dead letters at these offsets, with the original key and value.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Parameters(arity = "1..*", paramLabel = "OFFSET")
        List<Long> offsets;

        @Option(names = "--max-bytes", defaultValue = "4096", description = "Show at most N bytes of the original key and value (default ${DEFAULT-VALUE}).")
        int maxBytes;

        @Override
        public Integer call() {
            List<StoredDeadLetter> letters = read(connection, new DeadLetterFilter(Set.copyOf(offsets), null, null, null));
            Set<Long> found = letters.stream().map(StoredDeadLetter::offset).collect(Collectors.toSet());
            letters.forEach(l -> System.out.println(DeadLetterFormatter.details(l, maxBytes)));
            List<Long> missing = offsets.stream().filter(o -> !found.contains(o)).toList();
            if (!missing.isEmpty()) {
                System.err.println("error: no dead letter at offset " + missing.stream().map(String::valueOf)
                        .collect(Collectors.joining(", ")));
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "replay", description = {"Sends the selected letters' original bytes back to the topic and partition they were read from.",
            "Letters of dataset lines (ingest) are skipped: fix the file and ingest it again. Select with the options; --all for every letter."})
    static final class Replay implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        Selection selection;

        @Option(names = "--all", description = "Replay every replayable letter (needed when no selection option is given).")
        boolean all;

        @Option(names = "--dry-run", description = "Print what would be replayed; send nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            DeadLetterFilter filter = selection.filter();
            if (filter.equals(DeadLetterFilter.ALL) && !all) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "select letters with --offset, --stage, --source-topic or --reason-contains, or replay everything with --all");
            }
            var config = connection.connect();
            Topics topics = new Topics(config.serdeConfig());
            List<StoredDeadLetter> letters = new DeadLetterReader(config.clientConfig(), topics).readAll(READ_TIMEOUT)
                    .stream().filter(filter::matches).toList();
            Set<String> declared = topics.all().stream().map(Topic::name).collect(Collectors.toSet());
            declared.remove(Topics.DEADLETTER); // replaying into the dead-letter topic would only copy letters
            try (DeadLetterReplayer replayer = new DeadLetterReplayer(config.clientConfig(), declared)) {
                List<DeadLetterReplayer.Outcome> plan = replayer.plan(letters);
                for (DeadLetterReplayer.Outcome o : plan) {
                    System.out.println(o.replayable()
                            ? (dryRun ? "would replay " : "replay ") + o.stored().offset() + " -> " + o.target().topic() + "/" + o.target().partition()
                            : "skip " + o.stored().offset() + ": " + o.skipped());
                }
                long replayable = plan.stream().filter(DeadLetterReplayer.Outcome::replayable).count();
                if (dryRun) {
                    System.out.println("dry run: " + replayable + " of " + plan.size() + " selected letters would be replayed; nothing sent");
                    return 0;
                }
                int sent = replayer.replay(plan);
                System.out.println(sent + " of " + plan.size() + " selected letters replayed");
            }
            return 0;
        }
    }
}
