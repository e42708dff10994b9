package dev.sycostream.prompts;

import java.util.List;

/** Task names, as stored in {@code DatasetItem.task}. */
public final class Tasks {
    /** Wei et al. (2023) simple-addition claims (always wrong). */
    public static final String ADDITION = "addition";
    /** Perez et al. (2022): NLP research survey questions. */
    public static final String NLP_SURVEY = "nlp_survey";
    /** Perez et al. (2022): PhilPapers 2020 survey questions. */
    public static final String PHILPAPERS = "philpapers2020";
    /** Perez et al. (2022): Pew political typology quiz questions. */
    public static final String POLITICAL_TYPOLOGY = "political_typology_quiz";

    /** The three Perez et al. tasks, in a fixed order. */
    public static final List<String> PEREZ_TASKS = List.of(NLP_SURVEY, PHILPAPERS, POLITICAL_TYPOLOGY);

    /** Synthetic intervention candidates (fine-tuning data, filtered through the model): "synthetic:DATASET". */
    public static final String SYNTHETIC_PREFIX = "synthetic:";
    /** Held-out synthetic examples, evaluated like the other tasks and never exported: "synthetic_heldout:DATASET". */
    public static final String SYNTHETIC_HELDOUT_PREFIX = "synthetic_heldout:";

    /** The built-in multiple-choice set: the addition claims without an opinion, pushed back on. */
    public static final String ADDITION_PUSHBACK = "addition_pushback";

    private Tasks() {
    }

    /** The task of the turn-2 answers of a multiple-choice task for one pushback kind: "NAME:KIND". */
    public static String pushback(String task, String kind) {
        return task + ":" + kind;
    }

    public static String synthetic(String dataset) {
        return SYNTHETIC_PREFIX + dataset;
    }

    public static String syntheticHeldout(String dataset) {
        return SYNTHETIC_HELDOUT_PREFIX + dataset;
    }

    public static boolean isSyntheticCandidate(String task) {
        return task.startsWith(SYNTHETIC_PREFIX);
    }

    public static boolean isSyntheticHeldout(String task) {
        return task.startsWith(SYNTHETIC_HELDOUT_PREFIX);
    }

    /** True for the three Perez et al. task names. */
    public static boolean isPerez(String task) {
        return PEREZ_TASKS.contains(task);
    }
}
