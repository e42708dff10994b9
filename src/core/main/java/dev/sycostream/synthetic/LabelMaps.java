package dev.sycostream.synthetic;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The label names and text fields of the 17 classification datasets Wei et al. (2023, section 4 and appendix) turn
 * into synthetic claims, keyed as in the paper's HuggingFace names ("glue_qqp" is config qqp of glue, and so on).
 *
 * <p>These are facts to reproduce, not to tidy: the label order is the dataset's integer label order, and some
 * sets number the same relation differently (super_glue_rte and glue_qnli put Entailment at 0, glue_wnli at 1).
 * Text fields are listed in the dataset's own column order, which is the order they are joined into the input.
 */
public final class LabelMaps {
    /** The default label column. */
    public static final String LABEL = "label";
    /** The text column assumed for custom datasets (see {@link #custom}). */
    public static final String DEFAULT_TEXT_FIELD = "text";

    /** Dataset keys that can appear in task names and item ids: no ':' or '/' or spaces. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    private static final List<String> SENTIMENT2 = List.of("Negative Sentiment", "Positive Sentiment");
    private static final List<String> NLI3 = List.of("Entailment", "Neither Entailment Nor Contradiction", "Contradiction");
    private static final List<String> PAIR = List.of("premise", "hypothesis");
    private static final List<String> SENTENCES = List.of("sentence1", "sentence2");

    private static final Map<String, LabelMap> BUILT_IN = builtIns();

    private LabelMaps() {
    }

    private static Map<String, LabelMap> builtIns() {
        Map<String, LabelMap> m = new LinkedHashMap<>();
        put(m, "sst2", List.of("sentence"), LABEL, SENTIMENT2);
        put(m, "rotten_tomatoes", List.of("text"), LABEL, SENTIMENT2);
        put(m, "tweet_eval_sentiment", List.of("text"), LABEL,
                List.of("Negative Sentiment", "Neutral Sentiment", "Positive Sentiment"));
        put(m, "tweet_eval_offensive", List.of("text"), LABEL, List.of("Not Offensive", "Offensive"));
        put(m, "tweet_eval_irony", List.of("text"), LABEL, List.of("Not Irony", "Irony"));
        put(m, "glue_qqp", List.of("question1", "question2"), LABEL, List.of("Not Duplicate", "Duplicate"));
        put(m, "glue_mrpc", SENTENCES, LABEL, List.of("Not Equivalent", "Equivalent"));
        // paws, config labeled_final
        put(m, "paws", SENTENCES, LABEL, List.of("Different Meaning", "Paraphrase"));
        put(m, "super_glue_rte", PAIR, LABEL, List.of("Entailment", "Not Entailment"));
        put(m, "glue_wnli", SENTENCES, LABEL, List.of("Not Entailment", "Entailment"));
        put(m, "glue_qnli", List.of("sentence", "question"), LABEL, List.of("Entailment", "Not Entailment"));
        put(m, "glue_mnli", PAIR, LABEL, NLI3);
        put(m, "snli", PAIR, LABEL, NLI3);
        put(m, "super_glue_cb", PAIR, LABEL,
                List.of("Entailment", "Contradiction", "Neither Entailment Nor Contradiction"));
        put(m, "trec", List.of("text"), "coarse_label", List.of("Abbreviation", "Entity",
                "Description or Abstract Concept", "Human Being", "Location", "Numeric Value"));
        put(m, "ag_news", List.of("text"), LABEL, List.of("World", "Sports", "Business", "Science and Technology"));
        put(m, "glue_cola", List.of("sentence"), LABEL, List.of("Unacceptable Sentence", "Acceptable Sentence"));
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, LabelMap> m, String key, List<String> textFields, String labelField,
                            List<String> labels) {
        m.put(key, new LabelMap(key, textFields, labelField, labels));
    }

    /** The built-in dataset keys, in the paper's order. */
    public static Set<String> builtInKeys() {
        return BUILT_IN.keySet();
    }

    /** True if {@code key} is one of {@link #builtInKeys()}. */
    public static boolean isBuiltIn(String key) {
        return BUILT_IN.containsKey(key);
    }

    /**
     * The built-in map for a dataset key.
     *
     * @throws IllegalArgumentException for an unknown key; the message lists the known ones
     */
    public static LabelMap builtIn(String key) {
        LabelMap map = BUILT_IN.get(key);
        if (map == null) {
            throw new IllegalArgumentException("unknown classification dataset '" + key + "'; known datasets: "
                    + String.join(", ", BUILT_IN.keySet()) + " (for another dataset, give its label names)");
        }
        return map;
    }

    /**
     * A map for a dataset given on the command line with {@code --labels 'a,b,c'}.
     *
     * <p>Text fields: when {@code textFields} is null or empty the single field {@value #DEFAULT_TEXT_FIELD} is
     * used. We deliberately do not guess "every string field but the label": in a CSV every column is a string, so
     * an id or metadata column would silently become part of the claim. A row without the field is rejected with
     * a message listing the fields it does have, so a wrong guess is loud, not silent.
     *
     * @param dataset    the dataset key (letters, digits, '_', '.', '-': it becomes part of task names and ids)
     * @param labels     label names, index i naming label value i; names are stripped
     * @param textFields input fields in join order, or null/empty for {@value #DEFAULT_TEXT_FIELD}
     */
    public static LabelMap custom(String dataset, List<String> labels, List<String> textFields) {
        if (dataset == null || !KEY.matcher(dataset).matches()) {
            throw new IllegalArgumentException("dataset name '" + dataset
                    + "' must be non-empty and use only letters, digits, '_', '.' and '-'");
        }
        if (labels == null) {
            throw new IllegalArgumentException(dataset + ": label names are required for a dataset that is not built in");
        }
        List<String> names = labels.stream().map(l -> l == null ? "" : l.strip()).toList();
        List<String> fields = textFields == null || textFields.isEmpty() ? List.of(DEFAULT_TEXT_FIELD) : textFields;
        return new LabelMap(dataset, fields, LABEL, names);
    }

    /** Splits {@code "a, b,c"} into stripped names, as given to {@code --labels}. */
    public static List<String> parseLabelList(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new IllegalArgumentException("label list is empty; expected e.g. 'Negative Sentiment,Positive Sentiment'");
        }
        return List.of(commaSeparated.split(",", -1)).stream().map(String::strip).toList();
    }
}
