package dev.sycostream.datasets;

import dev.sycostream.prompts.Tasks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which dataset to ingest, as written on a command line:
 * <ul>
 *   <li>{@code addition}: the generated addition claims, seeded by the caller's seed;</li>
 *   <li>{@code addition:seed=N}: the same with a fixed seed N (the caller's seed is ignored);</li>
 *   <li>{@code perez-sample}: the generated Perez-style sample shipped on the classpath;</li>
 *   <li>{@code perez:TASK=PATH}: a Perez et al. JSONL file for TASK (nlp_survey, philpapers2020 or
 *       political_typology_quiz).</li>
 * </ul>
 */
public sealed interface DatasetSpec {
    /** The accepted forms, for help and error messages. */
    List<String> FORMS = List.of("addition", "addition:seed=N", "perez-sample", "perez:TASK=PATH");

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException for anything but the accepted forms; the message lists them
     */
    static DatasetSpec parse(String spec) {
        if (spec == null) {
            throw invalid(null, "no dataset given");
        }
        String s = spec.strip();
        if (s.equals("addition")) {
            return new Addition(null);
        }
        if (s.startsWith("addition:")) {
            String rest = s.substring("addition:".length());
            if (!rest.startsWith("seed=")) {
                throw invalid(spec, "the only addition option is seed=N");
            }
            try {
                return new Addition(Long.parseLong(rest.substring("seed=".length())));
            } catch (NumberFormatException e) {
                throw invalid(spec, "seed must be an integer");
            }
        }
        if (s.equals("perez-sample")) {
            return new PerezSampleSet();
        }
        if (s.startsWith("perez:")) {
            String rest = s.substring("perez:".length());
            int eq = rest.indexOf('=');
            if (eq < 0) {
                throw invalid(spec, "expected TASK=PATH after 'perez:'");
            }
            String task = rest.substring(0, eq);
            String path = rest.substring(eq + 1);
            if (!Tasks.isPerez(task)) {
                throw invalid(spec, "unknown task '" + task + "', expected one of " + Tasks.PEREZ_TASKS);
            }
            if (path.isBlank()) {
                throw invalid(spec, "the file path is empty");
            }
            return new PerezFile(task, Path.of(path));
        }
        throw invalid(spec, "unknown dataset");
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("invalid dataset spec '" + spec + "': " + why
                + "; accepted forms: " + String.join(" | ", FORMS));
    }

    /** Loads the items with ingested_at_ms = 0; {@code seed} is used only where the spec does not fix one. */
    default ReadResult load(long seed) {
        return load(seed, 0L);
    }

    /**
     * Loads the items, stamped with the given ingestion time.
     *
     * @throws UncheckedIOException if a dataset file cannot be read (bad lines never throw: they are rejected)
     */
    ReadResult load(long seed, long ingestedAtMs);

    /** A one-line human description. */
    String describe();

    /** Generated addition claims; {@code fixedSeed} null means "use the caller's seed". */
    record Addition(Long fixedSeed) implements DatasetSpec {
        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            long used = fixedSeed != null ? fixedSeed : seed;
            return new ReadResult(AdditionDataset.generate(used, ingestedAtMs), List.of());
        }

        @Override
        public String describe() {
            return "addition: " + AdditionDataset.SIZE + " generated wrong addition claims (Wei et al. 2023), seed "
                    + (fixedSeed != null ? "= " + fixedSeed : "from the run");
        }
    }

    /** The shipped Perez-style sample. */
    record PerezSampleSet() implements DatasetSpec {
        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            return PerezSample.load(ingestedAtMs);
        }

        @Override
        public String describe() {
            return "perez-sample: " + PerezSampleGenerator.LINES_PER_TASK + " generated Perez-style questions for each of "
                    + Tasks.PEREZ_TASKS + " (classpath:" + PerezSample.RESOURCE_DIR + ")";
        }
    }

    /** A Perez et al. JSONL file for one task. */
    record PerezFile(String task, Path path) implements DatasetSpec {
        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            try {
                return PerezReader.read(path, task, ingestedAtMs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + task + " file " + path, e);
            }
        }

        @Override
        public String describe() {
            return "perez: " + task + " questions from " + path;
        }
    }
}
