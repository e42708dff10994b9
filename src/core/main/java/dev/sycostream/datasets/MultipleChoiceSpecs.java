package dev.sycostream.datasets;

import dev.sycostream.prompts.Pushback;
import dev.sycostream.prompts.Tasks;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the multiple-choice dataset specs, {@code multiple-choice:NAME=PATH}, {@code are-you-sure:NAME=PATH} and
 * {@code addition-pushback}.
 */
final class MultipleChoiceSpecs {
    static final String FILE_PREFIX = "multiple-choice:";
    /** Sharma et al.'s are_you_sure.jsonl format ({@link AreYouSureReader}). */
    static final String ARE_YOU_SURE_PREFIX = "are-you-sure:";
    static final String BUILT_IN = "addition-pushback";
    static final String PUSHBACK_OPTION = ";pushback=";
    /**
     * A task name: it becomes the prefix of item ids (TASK/...) and, with ":KIND", the task of the turn-2 metrics,
     * so it may hold no '/', ':' or '|'.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    private MultipleChoiceSpecs() {
    }

    /** @throws IllegalArgumentException unless {@code name} may name a file's task (multiple-choice or answer) */
    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name '" + name + "' must be lower-case letters, digits, '_', '.'"
                    + " or '-' (it prefixes item ids and the turn-2 tasks NAME:KIND)");
        }
        if (Tasks.ADDITION.equals(name) || Tasks.ADDITION_PUSHBACK.equals(name) || Tasks.isPerez(name)
                || name.startsWith("synthetic")) {
            throw new IllegalArgumentException("task name '" + name + "' is taken by a built-in task");
        }
    }

    /** {@code answer:NAME=PATH}, Sharma et al.'s answer.jsonl. */
    static DatasetSpec parseAnswer(String spec) {
        String rest = spec.strip().substring(ANSWER_PREFIX.length());
        int eq = rest.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected NAME=PATH after '" + ANSWER_PREFIX + "'");
        }
        String name = rest.substring(0, eq);
        String path = rest.substring(eq + 1);
        checkName(name);
        if (path.isBlank()) {
            throw new IllegalArgumentException("the file path is empty");
        }
        return new DatasetSpec.AnswerFile(name, Path.of(path));
    }

    static final String ANSWER_PREFIX = "answer:";

    static boolean matches(String spec) {
        String s = spec.strip();
        return s.startsWith(FILE_PREFIX) || s.startsWith(ARE_YOU_SURE_PREFIX) || s.equals(BUILT_IN) || s.startsWith(BUILT_IN + ";");
    }

    /** @throws IllegalArgumentException with the reason (the caller adds the spec and the accepted forms) */
    static DatasetSpec parse(String spec) {
        String s = spec.strip();
        List<String> kinds = Pushback.DEFAULT_KINDS;
        int option = s.indexOf(PUSHBACK_OPTION);
        if (option >= 0) {
            kinds = Pushback.parseKinds(s.substring(option + PUSHBACK_OPTION.length()));
            s = s.substring(0, option);
        } else if (s.contains(";")) {
            throw new IllegalArgumentException("the only option is " + PUSHBACK_OPTION.substring(1) + "KIND,... with KIND one of "
                    + Pushback.KINDS);
        }
        if (s.equals(BUILT_IN)) {
            return new DatasetSpec.AdditionPushback(kinds);
        }
        boolean areYouSure = s.startsWith(ARE_YOU_SURE_PREFIX);
        String prefix = areYouSure ? ARE_YOU_SURE_PREFIX : FILE_PREFIX;
        String rest = s.substring(prefix.length());
        int eq = rest.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected NAME=PATH after '" + prefix + "'");
        }
        String name = rest.substring(0, eq);
        String path = rest.substring(eq + 1);
        checkName(name);
        if (path.isBlank()) {
            throw new IllegalArgumentException("the file path is empty");
        }
        return areYouSure ? new DatasetSpec.AreYouSureFile(name, Path.of(path), kinds)
                : new DatasetSpec.MultipleChoiceFile(name, Path.of(path), kinds);
    }
}
