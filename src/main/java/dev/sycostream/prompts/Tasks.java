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

    private Tasks() {
    }

    /** True for the three Perez et al. task names. */
    public static boolean isPerez(String task) {
        return PEREZ_TASKS.contains(task);
    }
}
