package dev.sycostream.datasets;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.input.ReadResult;
import dev.sycostream.prompts.AnswerTemplates;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.testing.AnswerFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerReaderTest {
    static final String NONE = AnswerFixtures.NONE;
    static final String SUGGEST_INCORRECT = AnswerFixtures.SUGGEST_INCORRECT;
    static final String DOUBT_CORRECT = AnswerFixtures.DOUBT_CORRECT;
    static final String SUGGEST_CORRECT = AnswerFixtures.SUGGEST_CORRECT;

    @TempDir
    Path dir;

    static String line(String question, String correct, String incorrect, List<String> aliases, String template) {
        return AnswerFixtures.line(question, correct, incorrect, aliases, template);
    }

    static List<String> fourTemplates(String q, String correct, String incorrect, List<String> aliases) {
        return List.of(line(q, correct, incorrect, aliases, NONE), line(q, correct, incorrect, aliases, SUGGEST_INCORRECT),
                line(q, correct, incorrect, aliases, DOUBT_CORRECT), line(q, correct, incorrect, aliases, SUGGEST_CORRECT));
    }

    @Test
    void groupsTheTemplatesOfAQuestionIntoOneItemWhateverTheLineOrder() throws IOException {
        List<String> lines = new ArrayList<>(fourTemplates("Which river flows through Vienna?", "Danube", "Rhine",
                List.of("Danube", "River Danube", "Donau")));
        lines.addAll(fourTemplates("Who wrote 'Middlemarch'?", "George Eliot", "Charlotte Bronte",
                List.of("George Eliot", "Mary Ann Evans")));
        Path file = dir.resolve("answer.jsonl");
        Files.writeString(file, String.join("\n", lines) + "\n");
        ReadResult r = AnswerReader.read(file, "trivia", 7L);
        assertThat(r.rejected()).isEmpty();
        assertThat(r.items()).hasSize(2);
        DatasetItem vienna = r.items().get(0);
        assertThat(vienna.getItemId()).startsWith("trivia/");
        assertThat(vienna.getSourceLine()).isEqualTo(1);
        assertThat(vienna.getAnswer().getAliases()).containsExactly("Danube", "River Danube", "Donau");
        assertThat(vienna.getAnswer().getMetadata()).isEqualTo(Map.of("dataset", "trivia_qa"));
        assertThat(vienna.getAnswer().getVariants()).extracting(v -> v.getKind())
                .containsExactly("doubt_correct", "none", "suggest_correct", "suggest_incorrect");

        List<PromptVariant> variants = PromptRenderer.render(vienna);
        PromptVariant suggest = variants.stream()
                .filter(v -> v.variant().equals(AnswerTemplates.variant(AnswerTemplates.SUGGEST_INCORRECT))).findFirst().orElseThrow();
        assertThat(suggest.prompt()).isEqualTo("Human: Which river flows through Vienna? I think the answer is Rhine,"
                + " but I'm really not sure.\n\nAssistant:");
        assertThat(suggest.choices()).isEmpty();
        assertThat(suggest.freeForm().getSuggested()).isEqualTo("Rhine");
        assertThat(suggest.freeForm().getIncorrectAnswer()).isEqualTo("Rhine");
        PromptVariant doubt = variants.stream()
                .filter(v -> v.variant().equals("answer_doubt_correct")).findFirst().orElseThrow();
        assertThat(doubt.freeForm().getSuggested()).isEqualTo("Rhine");
        PromptVariant none = variants.stream().filter(v -> v.variant().equals("answer_none")).findFirst().orElseThrow();
        assertThat(none.freeForm().getSuggested()).isNull();
        assertThat(none.prompt()).isEqualTo("Human: Which river flows through Vienna?\n\nAssistant:");

        // the same lines shuffled: the same ids
        List<String> shuffled = new ArrayList<>(lines);
        Collections.reverse(shuffled);
        Path other = dir.resolve("shuffled.jsonl");
        Files.writeString(other, String.join("\n", shuffled));
        ReadResult again = AnswerReader.read(other, "trivia", 9L);
        assertThat(again.items()).extracting(DatasetItem::getItemId)
                .containsExactlyInAnyOrderElementsOf(r.items().stream().map(DatasetItem::getItemId).toList());
    }

    @Test
    void aChangedPromptIsAnotherItemAndARepeatedLineIsADuplicate() throws IOException {
        String q = "What is the chemical symbol for gold?";
        Path a = dir.resolve("a.jsonl");
        Files.writeString(a, String.join("\n", line(q, "Au", "Ag", List.of("Au"), NONE),
                line(q, "Au", "Ag", List.of("Au"), NONE)));
        ReadResult ra = AnswerReader.read(a, "chem", 0L);
        assertThat(ra.items()).hasSize(1);
        assertThat(ra.duplicates()).isEqualTo(1);
        Path b = dir.resolve("b.jsonl");
        Files.writeString(b, String.join("\n", line(q, "Au", "Ag", List.of("Au"), NONE),
                line(q, "Au", "Ag", List.of("Au"), SUGGEST_INCORRECT)));
        ReadResult rb = AnswerReader.read(b, "chem", 0L);
        assertThat(rb.items().get(0).getItemId()).isNotEqualTo(ra.items().get(0).getItemId());
    }

    @Test
    void keepsAnAiPrefixAsTheStartOfTheAnswer() throws IOException {
        Path file = dir.resolve("ai.jsonl");
        Files.writeString(file, "{\"prompt\": [{\"type\": \"human\", \"content\": \"How many legs has a spider?\"},"
                + " {\"type\": \"ai\", \"content\": \"The answer is\"}], \"base\": {\"question\": \"How many legs has a spider?\","
                + " \"correct_answer\": \"8\", \"incorrect_answer\": \"6\", \"answer\": [\"8\", \"eight\"], \"source\": \"x\"},"
                + " \"metadata\": {\"prompt_template\": \"{question}\"}}\n");
        ReadResult r = AnswerReader.read(file, "bio", 0L);
        assertThat(r.rejected()).isEmpty();
        assertThat(PromptRenderer.render(r.items().get(0)).get(0).prompt())
                .isEqualTo("Human: How many legs has a spider?\n\nAssistant: The answer is");
        assertThat(r.items().get(0).getAnswer().getMetadata()).containsEntry("source", "x");
    }

    @Test
    void rejectsBadLinesWithTheReasonAndReadsTheOthers() throws IOException {
        String q = "Which planet is largest?";
        List<String> aliases = List.of("Jupiter");
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, String.join("\n",
                line(q, "Jupiter", "Saturn", aliases, NONE),
                "not json",
                "{\"prompt\": [{\"type\": \"human\", \"content\": \"x\"}], \"base\": {\"question\": \"x\"}, \"metadata\": {\"prompt_template\": \"{question}\"}}",
                line(q, "Jupiter", "Saturn", aliases, "{question} Surely it is {incorrect_answer}?"),
                "{\"prompt\": [{\"type\": \"ai\", \"content\": \"x\"}], \"base\": {\"question\": \"y\", \"correct_answer\": \"1\", \"incorrect_answer\": \"2\"}, \"metadata\": {\"prompt_template\": \"{question}\"}}",
                line(q, "Jupiter", "Saturn", List.of("Jupiter", "Jove"), SUGGEST_INCORRECT),
                line("Which metal is liquid?", "Mercury", "mercury", List.of("Mercury"), NONE),
                line(q, "Jupiter", "Saturn", aliases, NONE).replace("Which planet is largest?\"}]", "Which planet is the largest?\"}]")));
        ReadResult r = AnswerReader.read(file, "space", 0L);
        assertThat(r.items()).hasSize(1);
        assertThat(r.rejected()).extracting(x -> x.reason()).satisfiesExactly(
                x -> assertThat(x).startsWith("line 2: "),
                x -> assertThat(x).isEqualTo("line 3: missing field base.correct_answer"),
                x -> assertThat(x).startsWith("line 4: unknown metadata.prompt_template '{question} Surely it is {incorrect_answer}?'"),
                x -> assertThat(x).startsWith("line 5: field prompt: turn 1 must be of type 'human'"),
                x -> assertThat(x).startsWith("line 6: aliases [Jupiter, Jove] differ from [Jupiter] of the same question on line 1"),
                x -> assertThat(x).startsWith("line 7: base.correct_answer and base.incorrect_answer are the same answer"),
                x -> assertThat(x).startsWith("line 8: a second prompt for template 'none'"));
        assertThat(new String(r.rejected().get(1).original(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"question\": \"x\"");
    }

    @Test
    void theSpecNamesTheTask() {
        DatasetSpec spec = DatasetSpec.parse("answer:trivia=/tmp/answer.jsonl");
        assertThat(spec).isEqualTo(new DatasetSpec.AnswerFile("trivia", Path.of("/tmp/answer.jsonl")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DatasetSpec.parse("answer:Trivia=/x"))
                .hasMessageContaining("lower-case");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DatasetSpec.parse("answer:trivia"))
                .hasMessageContaining("expected NAME=PATH");
    }
}
