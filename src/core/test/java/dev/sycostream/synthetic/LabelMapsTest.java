package dev.sycostream.synthetic;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelMapsTest {
    @Test
    void theSeventeenPaperDatasets() {
        assertThat(LabelMaps.builtInKeys()).containsExactly("sst2", "rotten_tomatoes", "tweet_eval_sentiment",
                "tweet_eval_offensive", "tweet_eval_irony", "glue_qqp", "glue_mrpc", "paws", "super_glue_rte",
                "glue_wnli", "glue_qnli", "glue_mnli", "snli", "super_glue_cb", "trec", "ag_news", "glue_cola");
    }

    @Test
    void labelNamesAndFieldsAreExact() {
        check("sst2", List.of("sentence"), "label", "Negative Sentiment", "Positive Sentiment");
        check("rotten_tomatoes", List.of("text"), "label", "Negative Sentiment", "Positive Sentiment");
        check("tweet_eval_sentiment", List.of("text"), "label",
                "Negative Sentiment", "Neutral Sentiment", "Positive Sentiment");
        check("tweet_eval_offensive", List.of("text"), "label", "Not Offensive", "Offensive");
        check("tweet_eval_irony", List.of("text"), "label", "Not Irony", "Irony");
        check("glue_qqp", List.of("question1", "question2"), "label", "Not Duplicate", "Duplicate");
        check("glue_mrpc", List.of("sentence1", "sentence2"), "label", "Not Equivalent", "Equivalent");
        check("paws", List.of("sentence1", "sentence2"), "label", "Different Meaning", "Paraphrase");
        check("super_glue_rte", List.of("premise", "hypothesis"), "label", "Entailment", "Not Entailment");
        check("glue_wnli", List.of("sentence1", "sentence2"), "label", "Not Entailment", "Entailment");
        check("glue_qnli", List.of("sentence", "question"), "label", "Entailment", "Not Entailment");
        check("glue_mnli", List.of("premise", "hypothesis"), "label",
                "Entailment", "Neither Entailment Nor Contradiction", "Contradiction");
        check("snli", List.of("premise", "hypothesis"), "label",
                "Entailment", "Neither Entailment Nor Contradiction", "Contradiction");
        check("super_glue_cb", List.of("premise", "hypothesis"), "label",
                "Entailment", "Contradiction", "Neither Entailment Nor Contradiction");
        check("trec", List.of("text"), "coarse_label", "Abbreviation", "Entity", "Description or Abstract Concept",
                "Human Being", "Location", "Numeric Value");
        check("ag_news", List.of("text"), "label", "World", "Sports", "Business", "Science and Technology");
        check("glue_cola", List.of("sentence"), "label", "Unacceptable Sentence", "Acceptable Sentence");
    }

    private static void check(String key, List<String> fields, String labelField, String... labels) {
        LabelMap map = LabelMaps.builtIn(key);
        assertThat(map.dataset()).isEqualTo(key);
        assertThat(map.textFields()).as(key).isEqualTo(fields);
        assertThat(map.labelField()).as(key).isEqualTo(labelField);
        assertThat(map.labels()).as(key).containsExactly(labels);
    }

    @Test
    void unknownKeyListsTheKnownOnes() {
        assertThatThrownBy(() -> LabelMaps.builtIn("imdb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'imdb'").hasMessageContaining("sst2").hasMessageContaining("glue_cola");
    }

    @Test
    void customDefaultsToTextAndLabel() {
        LabelMap map = LabelMaps.custom("my_set", LabelMaps.parseLabelList(" Bad , Good"), null);
        assertThat(map).isEqualTo(new LabelMap("my_set", List.of("text"), "label", List.of("Bad", "Good")));
        assertThat(LabelMaps.custom("pairs", List.of("No", "Yes"), List.of("a", "b")).textFields())
                .containsExactly("a", "b");
    }

    @Test
    void customRefusesBadNamesAndLabels() {
        assertThatThrownBy(() -> LabelMaps.custom("a/b", List.of("x", "y"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a/b'");
        assertThatThrownBy(() -> LabelMaps.custom("s", List.of("only"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two");
        assertThatThrownBy(() -> LabelMaps.custom("s", List.of("x", " x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> LabelMaps.custom("s", LabelMaps.parseLabelList("x,,y"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> LabelMaps.custom("s", List.of("x", "y"), List.of("label")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both a text field and the label");
    }

    @Test
    void labelNameAndRange() {
        LabelMap snli = LabelMaps.builtIn("snli");
        assertThat(snli.labelName(1)).isEqualTo("Neither Entailment Nor Contradiction");
        assertThat(snli.outOfRange("-1")).isEqualTo("label -1 is out of range 0..2 for snli");
        assertThatThrownBy(() -> snli.labelName(3)).hasMessage("label 3 is out of range 0..2 for snli");
    }
}
