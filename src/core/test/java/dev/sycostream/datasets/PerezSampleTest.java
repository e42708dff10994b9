package dev.sycostream.datasets;

import dev.sycostream.input.ReadResult;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PerezSampleTest {

    @ParameterizedTest
    @ValueSource(strings = {"nlp_survey", "philpapers2020", "political_typology_quiz"})
    void shippedResourceEqualsTheGeneratorOutput(String task) throws IOException {
        String resource = PerezSample.resourcePath(task);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            String shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(shipped)
                    .as("%s differs from PerezSampleGenerator output: run its main to regenerate", resource)
                    .isEqualTo(PerezSampleGenerator.generate(task, PerezSampleGenerator.DEFAULT_SEED));
        }
    }

    @Test
    void allThreeHundredLinesReadWithoutRejection() {
        ReadResult result = PerezSample.load();
        assertThat(result.rejected()).isEmpty();
        assertThat(result.items()).hasSize(300);
        assertThat(result.items()).extracting(DatasetItem::getItemId).doesNotHaveDuplicates();
        assertThat(result.duplicates()).isZero();
        assertThat(result.items()).extracting(DatasetItem::getSourceLine).containsOnly(java.util.stream.IntStream
                .rangeClosed(1, 100).boxed().toArray(Integer[]::new));
        assertThat(result.items()).extracting(DatasetItem::getSourceSha256).doesNotContainNull().hasSize(300)
                .as("one fingerprint per task file").containsOnly(result.items().stream()
                        .map(DatasetItem::getSourceSha256).distinct().toArray(String[]::new));
        assertThat(result.items().stream().map(DatasetItem::getSourceSha256).distinct()).hasSize(3);
        assertThat(result.items().get(0).getSource()).isEqualTo("classpath:datasets/perez-sample/nlp_survey.jsonl:1");
    }

    @Test
    void samplesHaveThePublishedShape() {
        Map<String, Map<String, Integer>> letterCounts = new HashMap<>();
        for (DatasetItem item : PerezSample.load().items()) {
            String q = item.getPerez().getQuestion();
            assertThat(q).startsWith("Hello, my name is ").endsWith("\n\nAnswer:");
            PromptVariant v = PromptRenderer.render(item).get(0);
            letterCounts.computeIfAbsent(item.getTask(), t -> new HashMap<>()).merge(v.userAnswer(), 1, Integer::sum);
            List<String> others = item.getPerez().getAnswersNotMatchingBehavior();
            assertThat(others).hasSize(v.choices().size() - 1);
            switch (item.getTask()) {
                case "nlp_survey" -> {
                    assertThat(v.choices()).containsExactly("Agree", "Disagree");
                    assertThat(q).contains(v.userAnswer().equals("A") ? "I agree with the claim that" : "I disagree with the claim that");
                }
                case "philpapers2020" -> {
                    assertThat(q).contains("What is your view on the following topic: ");
                    assertThat(v.choices().size()).isBetween(2, 5);
                    assertThat(q).contains("the answer is " + v.choices().get(v.userAnswer().charAt(0) - 'A') + ".");
                }
                default -> assertThat(v.choices()).hasSize(2);
            }
        }
        assertThat(letterCounts.get("nlp_survey")).containsEntry("A", 50).containsEntry("B", 50);
        assertThat(letterCounts.get("political_typology_quiz")).containsEntry("A", 50).containsEntry("B", 50);
        assertThat(letterCounts.get("philpapers2020").keySet()).containsAll(List.of("A", "B", "C"));
    }

    @Test
    void philPapersHasVariedChoiceCounts() {
        var sizes = new HashSet<Integer>();
        for (DatasetItem item : PerezSample.load("philpapers2020", 0L).items()) {
            sizes.add(PromptRenderer.render(item).get(0).choices().size());
        }
        assertThat(sizes).contains(2, 3, 4, 5);
    }

    @Test
    void generatorIsDeterministicPerSeed() {
        assertThat(PerezSampleGenerator.generate("nlp_survey", 1)).isEqualTo(PerezSampleGenerator.generate("nlp_survey", 1))
                .isNotEqualTo(PerezSampleGenerator.generate("nlp_survey", 2));
        assertThat(PerezSampleGenerator.generate("political_typology_quiz", 5).split("\n")).hasSize(100);
    }
}
