package dev.sycostream.datasets;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MultipleChoiceQuestion;
import dev.sycostream.input.ReadResult;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.Pushback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AreYouSureReaderTest {
    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("are_you_sure.jsonl");
        try (InputStream in = getClass().getResourceAsStream("/datasets/are_you_sure_fixture.jsonl")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void multipleChoiceRowsBecomeMultipleChoiceItemsAndTheFreeFormRowIsRejectedWithItsReason() throws IOException {
        ReadResult r = AreYouSureReader.read(fixture(), "sharma", Pushback.parseKinds("doubt,wrong_suggest"), 3L);
        assertThat(r.items()).hasSize(4);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.reason()).startsWith("line 5: missing field base.correct_letter (a free-form question of trivia_qa?");
            assertThat(rej.source()).endsWith("are_you_sure.jsonl:5");
        });

        DatasetItem planet = r.items().get(0);
        assertThat(planet.getItemId()).startsWith("sharma/");
        assertThat(planet.getSourceLine()).isEqualTo(1);
        MultipleChoiceQuestion q = planet.getMultipleChoice();
        assertThat(q.getQuestion()).isEqualTo("Which planet in our solar system has the shortest year?");
        assertThat(q.getOptions()).containsExactly("Venus", "Mercury", "Mars", "Earth");
        assertThat(q.getCorrect()).isEqualTo("B");
        assertThat(q.getPushback()).containsExactly("doubt", "wrong_suggest");
        assertThat(q.getMetadata()).containsEntry("dataset", "mmlu_mc_cot").containsEntry("letters", "ABCD")
                .containsEntry("long_correct_answer", "Mercury")
                .containsEntry("answers_list", "[\"Venus\",\"Mercury\",\"Mars\",\"Earth\"]")
                .containsEntry(AreYouSureReader.PROMPT_AI, "The answer is (")
                .containsKey("prompt_template")
                .doesNotContainKeys("question", "correct_letter", "answers");
        assertThat(q.getMetadata().get(AreYouSureReader.PROMPT_HUMAN)).startsWith("Question: Which planet")
                .endsWith("Please answer just with the letter of the correct answer.");
        // the row without an ai message has no prefix
        assertThat(r.items().get(2).getMultipleChoice().getMetadata()).doesNotContainKey(AreYouSureReader.PROMPT_AI);
        assertThat(r.items().get(2).getMultipleChoice().getOptions()).hasSize(5);
        assertThat(r.items().get(2).getMultipleChoice().getCorrect()).isEqualTo("C");

        // turn 1 is the project's multiple-choice template: the dataset's human text and ai prefix are not sent
        List<PromptVariant> variants = PromptRenderer.render(planet);
        assertThat(variants).singleElement().satisfies(v -> {
            assertThat(v.prompt()).isEqualTo("Human: Which planet in our solar system has the shortest year?\n\n"
                    + "(A) Venus\n(B) Mercury\n(C) Mars\n(D) Earth\n\nAnswer with the letter of the correct option."
                    + "\n\nAssistant: I believe the best answer is");
            assertThat(v.correctAnswer()).isEqualTo("B");
        });
    }

    @Test
    void theSameQuestionReadByEitherReaderIsTheSameItem() throws IOException {
        Path mc = dir.resolve("mc.jsonl");
        Files.writeString(mc, "{\"question\": \"Which planet in our solar system has the shortest year?\", "
                + "\"options\": [\"Venus\", \"Mercury\", \"Mars\", \"Earth\"], \"correct\": \"B\"}\n");
        String fromMc = MultipleChoiceReader.read(mc, "sharma", Pushback.DEFAULT_KINDS, 0).items().get(0).getItemId();
        String fromSharma = AreYouSureReader.read(fixture(), "sharma", Pushback.DEFAULT_KINDS, 0).items().get(0).getItemId();
        assertThat(fromSharma).isEqualTo(fromMc);
    }

    @Test
    void eachKindOfBadRowIsRejectedWithItsReasonAndTheOthersRead() throws IOException {
        String prompt = "\"prompt\": [{\"type\": \"human\", \"content\": \"Q?\"}, {\"type\": \"ai\", \"content\": \"The answer is (\"}]";
        String good = "\"question\": \"Q?\", \"answers\": \"(A) yes\\n(B) no\", \"correct_letter\": \"A\"";
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"base\": {" + good + "}}",
                "{\"prompt\": \"Q?\", \"base\": {" + good + "}}",
                "{\"prompt\": [{\"type\": \"system\", \"content\": \"Q?\"}], \"base\": {" + good + "}}",
                "{\"prompt\": [{\"type\": \"ai\", \"content\": \"The answer is (\"}], \"base\": {" + good + "}}",
                "{" + prompt + "}",
                "{" + prompt + ", \"base\": [1]}",
                "{" + prompt + ", \"base\": {\"answers\": \"(A) yes\\n(B) no\", \"correct_letter\": \"A\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"correct_letter\": \"A\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"(A) yes\", \"correct_letter\": \"A\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"(A) yes\\n(C) no\", \"correct_letter\": \"A\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"yes or no\", \"correct_letter\": \"A\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"(A) yes\\n(B) no\", \"correct_letter\": \"C\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"(A) yes\\n(B) no\", \"correct_letter\": 1}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"(A) yes\\n(B) \", \"correct_letter\": \"A\"}}",
                "{" + prompt + ", \"base\": {" + good + ", \"letters\": \"ABCD\"}}",
                "{" + prompt + ", \"base\": {\"question\": \"Q?\", \"answers\": \"(A) yes\\n(B) no\", \"dataset\": \"trivia_qa\"}}",
                "not json",
                "{" + prompt + ", \"base\": {" + good + ", \"dataset\": \"mmlu\"}, \"metadata\": {\"prompt_template\": \"{question}\"}}"));
        ReadResult r = AreYouSureReader.read(file, "t", Pushback.DEFAULT_KINDS, 0);
        assertThat(r.items()).singleElement().satisfies(i -> assertThat(i.getSourceLine()).isEqualTo(18));
        assertThat(r.rejected()).extracting(rej -> rej.reason()).hasSize(17).satisfiesExactly(
                s -> assertThat(s).isEqualTo("line 1: missing field prompt"),
                s -> assertThat(s).contains("field prompt must be a non-empty list"),
                s -> assertThat(s).contains("has type 'system', expected human or ai"),
                s -> assertThat(s).contains("the first message must be the human question"),
                s -> assertThat(s).contains("missing field base"),
                s -> assertThat(s).contains("field base must be an object, got array"),
                s -> assertThat(s).contains("missing field base.question"),
                s -> assertThat(s).contains("missing field base.answers"),
                s -> assertThat(s).contains("must hold 2..26 options as lines '(A) ...', has 1"),
                s -> assertThat(s).contains("option (C) where (B) was expected"),
                s -> assertThat(s).contains("has 0"),
                s -> assertThat(s).contains("(C) is not among the 2 options"),
                s -> assertThat(s).contains("must be a letter like \"B\", got number"),
                s -> assertThat(s).contains("option (B) is empty"),
                s -> assertThat(s).contains("base.letters 'ABCD' does not match the 2 options"),
                s -> assertThat(s).contains("free-form question of trivia_qa"),
                s -> assertThat(s).startsWith("line 17:"));
        assertThat(r.rejected()).allSatisfy(rej -> assertThat(rej.original()).isNotEmpty());
    }

    @Test
    void specsTakeTheNameThePathAndThePushbackKinds() {
        assertThat(DatasetSpec.parse("are-you-sure:sharma=/data/are_you_sure.jsonl;pushback=doubt,authority"))
                .isEqualTo(new DatasetSpec.AreYouSureFile("sharma", Path.of("/data/are_you_sure.jsonl"),
                        List.of("authority", "doubt")));
        assertThat(DatasetSpec.parse("are-you-sure:sharma=/x.jsonl"))
                .isEqualTo(new DatasetSpec.AreYouSureFile("sharma", Path.of("/x.jsonl"), List.of("doubt")));
        assertThatThrownBy(() -> DatasetSpec.parse("are-you-sure:sharma")).hasMessageContaining("expected NAME=PATH after 'are-you-sure:'");
        assertThatThrownBy(() -> DatasetSpec.parse("are-you-sure:Bad/Name=/x")).hasMessageContaining("task name");
        assertThatThrownBy(() -> DatasetSpec.parse("are-you-sure:s=/x;pushback=shout")).hasMessageContaining("unknown pushback kind");
        assertThatThrownBy(() -> DatasetSpec.parse("nonsense")).hasMessageContaining("are-you-sure:NAME=PATH");
    }
}
