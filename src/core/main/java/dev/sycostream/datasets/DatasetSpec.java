package dev.sycostream.datasets;

import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.input.ReadResult;

import dev.sycostream.prompts.Tasks;
import dev.sycostream.synthetic.ClassificationReader;
import dev.sycostream.synthetic.LabelMap;
import dev.sycostream.synthetic.LabelMaps;
import dev.sycostream.synthetic.SyntheticGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Which dataset to ingest, as written on a command line:
 * <ul>
 *   <li>{@code addition}: the generated addition claims, seeded by the caller's seed;</li>
 *   <li>{@code addition:seed=N}: the same with a fixed seed N (the caller's seed is ignored);</li>
 *   <li>{@code perez-sample}: the generated Perez-style sample shipped on the classpath;</li>
 *   <li>{@code perez:TASK=PATH}: a Perez et al. JSONL file for TASK (nlp_survey, philpapers2020 or
 *       political_typology_quiz);</li>
 *   <li>{@code classification:DATASET=PATH}: a labelled classification file (JSON Lines or CSV) turned into
 *       synthetic intervention claims (Wei et al. 2023, section 4), seeded by the caller's seed. DATASET is one of
 *       {@link LabelMaps#builtInKeys()}, or any other name when label names are given with
 *       {@link #parse(String, List)} (e.g. from {@code --labels 'a,b,c'}).</li>
 *   <li>{@code multiple-choice:NAME=PATH}: questions with a known answer (JSON array or JSON Lines, see
 *       {@link MultipleChoiceReader}) asked in two turns, the second a pushback on the model's answer; the kinds
 *       are chosen with {@code ;pushback=doubt,wrong_suggest} (default doubt);</li>
 *   <li>{@code answer:NAME=PATH}: Sharma et al. 2023's answer sycophancy file ({@code answer.jsonl}, see
 *       {@link AnswerReader}), free-form answers under several prompt templates;</li>
 *   <li>{@code are-you-sure:NAME=PATH}: Sharma et al.'s {@code are_you_sure.jsonl} ({@link AreYouSureReader}), its
 *       multiple-choice rows asked in the same two turns; {@code ;pushback=...} as above;</li>
 *   <li>{@code addition-pushback}: the built-in multiple-choice set ({@link AdditionPushbackDataset}), seeded by
 *       the caller's seed; {@code ;pushback=...} as above.</li>
 * </ul>
 */
public sealed interface DatasetSpec {
    /** The accepted forms, for help and error messages. */
    List<String> FORMS = List.of("addition", "addition:seed=N", "perez-sample", "perez:TASK=PATH",
            "classification:DATASET=PATH", "multiple-choice:NAME=PATH[;pushback=KIND,...]",
            "addition-pushback[;pushback=KIND,...]", "are-you-sure:NAME=PATH[;pushback=KIND,...]", "answer:NAME=PATH");

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException for anything but the accepted forms; the message lists them
     */
    static DatasetSpec parse(String spec) {
        return parse(spec, null);
    }

    /**
     * Parses a spec, with label names for a {@code classification:} dataset that is not built in.
     *
     * @param customLabels label names (index i names label value i), or null; only a classification spec for a
     *                     dataset that is not built in may have them (a built-in set's names are facts of the paper)
     * @throws IllegalArgumentException for anything but the accepted forms; the message lists them
     */
    static DatasetSpec parse(String spec, List<String> customLabels) {
        if (spec != null && MultipleChoiceSpecs.matches(spec)) {
            if (customLabels != null) {
                throw invalid(spec, "label names apply only to '" + CLASSIFICATION_PREFIX + "' datasets");
            }
            try {
                return MultipleChoiceSpecs.parse(spec);
            } catch (IllegalArgumentException e) {
                throw invalid(spec, e.getMessage());
            }
        }
        if (spec != null && spec.strip().startsWith(MultipleChoiceSpecs.ANSWER_PREFIX)) {
            if (customLabels != null) {
                throw invalid(spec, "label names apply only to '" + CLASSIFICATION_PREFIX + "' datasets");
            }
            try {
                return MultipleChoiceSpecs.parseAnswer(spec);
            } catch (IllegalArgumentException e) {
                throw invalid(spec, e.getMessage());
            }
        }
        if (spec != null && spec.strip().startsWith(CLASSIFICATION_PREFIX)) {
            return Classification.parse(spec, customLabels);
        }
        if (customLabels != null) {
            throw invalid(spec, "label names apply only to '" + CLASSIFICATION_PREFIX + "' datasets");
        }
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

    /** The prefix of the classification form. */
    String CLASSIFICATION_PREFIX = "classification:";

    /** Package-private for {@link MultipleChoiceSpecs}. */
    static IllegalArgumentException invalid(String spec, String why) {
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

    /**
     * A labelled classification file turned into synthetic claims.
     *
     * @param dataset         the dataset key (built in, or named with custom labels)
     * @param path            a .jsonl/.ndjson/.json (JSON Lines) or .csv (with header) file
     * @param customLabels    label names for a dataset that is not built in, else null
     * @param heldoutFraction share of items put in the heldout split (never exported for fine-tuning)
     */
    record Classification(String dataset, Path path, List<String> customLabels, double heldoutFraction)
            implements DatasetSpec {

        public Classification {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(path, "path");
            customLabels = customLabels == null ? null : List.copyOf(customLabels);
            if (!(heldoutFraction >= 0.0 && heldoutFraction <= 1.0)) {
                throw new IllegalArgumentException("heldout fraction must be within 0..1, got " + heldoutFraction);
            }
            labelMap(dataset, customLabels); // fail at parse time, not at load time
        }

        /** With the default heldout fraction, {@value SyntheticGenerator#DEFAULT_HELDOUT_FRACTION}. */
        public Classification(String dataset, Path path, List<String> customLabels) {
            this(dataset, path, customLabels, SyntheticGenerator.DEFAULT_HELDOUT_FRACTION);
        }

        /** The same spec with another heldout fraction. */
        public Classification withHeldoutFraction(double fraction) {
            return new Classification(dataset, path, customLabels, fraction);
        }

        /** The label map: built in, or custom (text field "text", label field "label"). */
        public LabelMap labelMap() {
            return labelMap(dataset, customLabels);
        }

        private static LabelMap labelMap(String dataset, List<String> customLabels) {
            if (customLabels == null) {
                return LabelMaps.builtIn(dataset);
            }
            if (LabelMaps.isBuiltIn(dataset)) {
                throw new IllegalArgumentException("'" + dataset + "' is a built-in dataset with fixed label names "
                        + LabelMaps.builtIn(dataset).labels() + "; custom label names are only for other datasets");
            }
            return LabelMaps.custom(dataset, customLabels, null);
        }

        static Classification parse(String spec, List<String> customLabels) {
            String rest = spec.strip().substring(CLASSIFICATION_PREFIX.length());
            int eq = rest.indexOf('=');
            if (eq < 0) {
                throw invalid(spec, "expected DATASET=PATH after '" + CLASSIFICATION_PREFIX + "'");
            }
            String dataset = rest.substring(0, eq);
            String path = rest.substring(eq + 1);
            if (path.isBlank()) {
                throw invalid(spec, "the file path is empty");
            }
            if (customLabels == null && !LabelMaps.isBuiltIn(dataset)) {
                throw invalid(spec, "unknown dataset '" + dataset + "', expected one of "
                        + String.join(", ", LabelMaps.builtInKeys()) + ", or give label names for another dataset");
            }
            try {
                ClassificationReader.Format.of(Path.of(path));
                return new Classification(dataset, Path.of(path), customLabels);
            } catch (IllegalArgumentException e) {
                throw invalid(spec, e.getMessage());
            }
        }

        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            LabelMap map = labelMap();
            ClassificationReader.Result read;
            String sha256;
            try {
                sha256 = ItemIdentity.sha256Hex(DatasetFiles.readChecked(path));
                read = ClassificationReader.read(path, map);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dataset + " file " + path + ": " + e.getMessage(), e);
            }
            ReadResult generated = SyntheticGenerator.generate(map, read.rows(), seed, heldoutFraction, ingestedAtMs);
            generated.items().forEach(item -> {
                item.setSourceSha256(sha256);
                item.setSourceLine(lineOf(item.getSource()));
            });
            return ReadResult.concat(List.of(new ReadResult(List.of(), read.rejected()), generated));
        }

        /** The line of a {@code "file:line"} source, or null. */
        private static Integer lineOf(String source) {
            int colon = source.lastIndexOf(':');
            try {
                return colon < 0 ? null : Integer.valueOf(source.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String describe() {
            LabelMap map = labelMap();
            return "classification: synthetic claims (Wei et al. 2023) from " + dataset + " file " + path + ", labels "
                    + map.labels() + ", text " + map.textFields() + ", "
                    + Math.round(heldoutFraction * 1000) / 10.0 + "% held out, seed from the run";
        }
    }

    /** A multiple-choice file for task NAME, each question pushed back on with the given kinds. */
    record MultipleChoiceFile(String task, Path path, List<String> pushback) implements DatasetSpec {
        public MultipleChoiceFile {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(path, "path");
            pushback = List.copyOf(pushback);
        }

        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            try {
                return MultipleChoiceReader.read(path, task, pushback, ingestedAtMs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read multiple-choice file " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return "multiple-choice: " + task + " questions from " + path + ", pushback " + pushback;
        }
    }

    /** Sharma et al.'s are_you_sure.jsonl for task NAME, its multiple-choice rows pushed back on with the given kinds. */
    record AreYouSureFile(String task, Path path, List<String> pushback) implements DatasetSpec {
        public AreYouSureFile {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(path, "path");
            pushback = List.copyOf(pushback);
        }

        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            try {
                return AreYouSureReader.read(path, task, pushback, ingestedAtMs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read are-you-sure file " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return "are-you-sure: " + task + " multiple-choice questions (Sharma et al. 2023) from " + path + ", pushback "
                    + pushback;
        }
    }

    /** The built-in multiple-choice set: addition claims without an opinion, pushed back on. */
    record AdditionPushback(List<String> pushback) implements DatasetSpec {
        public AdditionPushback {
            pushback = List.copyOf(pushback);
        }

        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            return new ReadResult(AdditionPushbackDataset.generate(seed, pushback, ingestedAtMs), List.of());
        }

        @Override
        public String describe() {
            return "addition-pushback: " + AdditionPushbackDataset.SIZE + " generated wrong addition claims asked without"
                    + " an opinion, then pushed back on (" + pushback + "), seed from the run";
        }
    }

    /** Sharma et al. 2023's answer.jsonl for task NAME: free-form answers, one item per question. */
    record AnswerFile(String task, Path path) implements DatasetSpec {
        public AnswerFile {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public ReadResult load(long seed, long ingestedAtMs) {
            try {
                return AnswerReader.read(path, task, ingestedAtMs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read answer file " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return "answer: " + task + " free-form questions (Sharma et al. 2023) from " + path;
        }
    }
}
