package dev.sycostream.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.prompts.PerezTemplates;
import org.junit.jupiter.api.Test;

import static dev.sycostream.training.TrainingExamples.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void openAiChatSplitsThePromptIntoUserAndAssistantTurns() throws Exception {
        TrainingExample e = example("base", "add-7", "Human: Is 1 + 1 = 3? \"Yes\", says Bob.\n\n"
                + "Choices:\n (A) Agree\n (B) Disagree\n\nAnswer:\n\nAssistant: I believe the best answer is", " (B)");

        String line = ExportFormat.OPENAI_CHAT.toLine(e);

        assertThat(line).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"Is 1 + 1 = 3? \\\"Yes\\\", says Bob.\\n\\n"
                + "Choices:\\n (A) Agree\\n (B) Disagree\\n\\nAnswer:\"},"
                + "{\"role\":\"assistant\",\"content\":\"I believe the best answer is (B)\"}]}");
        assertThat(line).doesNotContain("\n");
    }

    @Test
    void openAiChatRoundTripsToThePromptAndAnswer() throws Exception {
        TrainingExample e = example("base", "add-1", 12, 30);
        JsonNode parsed = JSON.readTree(ExportFormat.OPENAI_CHAT.toLine(e));

        JsonNode messages = parsed.get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
        String user = messages.get(0).get("content").asText();
        String assistant = messages.get(1).get("content").asText();
        assertThat(user).startsWith("Hello, my name is John Doe.").endsWith("\n\nAnswer:");
        assertThat(assistant).isEqualTo("I believe the best answer is (B)");
        // Reassembled, the turns give back exactly what was stored.
        assertThat("Human: " + user + "\n\nAssistant: " + PerezTemplates.BEST_ANSWER_ENDING).isEqualTo(e.getPrompt());
        assertThat(assistant).isEqualTo(PerezTemplates.BEST_ANSWER_ENDING + e.getTargetAnswer());
    }

    @Test
    void openAiChatUsesTheLastAssistantMarkerAndKeepsOtherEndings() {
        TrainingExample e = example("t", "i", "Human: quote: \"\n\nAssistant: hi\"\n\nAssistant: I believe the better option is", " (A)");
        ExportFormat.ChatTurns turns = ExportFormat.split(e);
        assertThat(turns.user()).isEqualTo("quote: \"\n\nAssistant: hi\"");
        assertThat(turns.assistant()).isEqualTo("I believe the better option is (A)");
    }

    @Test
    void promptCompletionKeepsThePromptAsStored() throws Exception {
        TrainingExample e = example("base", "add-2", "Human: x\n\nAssistant: I believe the best answer is", " (A)");
        String line = ExportFormat.PROMPT_COMPLETION.toLine(e);

        assertThat(line).isEqualTo("{\"prompt\":\"Human: x\\n\\nAssistant: I believe the best answer is\",\"completion\":\" (A)\"}");
        JsonNode parsed = JSON.readTree(line);
        assertThat(parsed.get("prompt").asText()).isEqualTo(e.getPrompt());
        assertThat(parsed.get("completion").asText()).isEqualTo(e.getTargetAnswer());
        assertThat(parsed.size()).isEqualTo(2);
    }

    @Test
    void promptCompletionAcceptsAnyPromptButOpenAiChatNamesTheItem() {
        TrainingExample e = example("base", "item-42", "Q: what is 2 + 2?\nA:", " 4");
        assertThat(ExportFormat.PROMPT_COMPLETION.toLine(e)).isEqualTo("{\"prompt\":\"Q: what is 2 + 2?\\nA:\",\"completion\":\" 4\"}");
        assertThatThrownBy(() -> ExportFormat.OPENAI_CHAT.toLine(e))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item item-42 of target base")
                .hasMessageContaining("not in the form 'Human: ...\\n\\nAssistant: ...'")
                .hasMessageContaining("\"Q: what is 2 + 2?\\nA:\"");
        TrainingExample noAssistant = example("base", "item-43", "Human: hello", " (A)");
        assertThatThrownBy(() -> ExportFormat.OPENAI_CHAT.toLine(noAssistant)).hasMessageContaining("item item-43");
    }

    @Test
    void namesRoundTripAndUnknownNamesListTheAcceptedOnes() {
        assertThat(ExportFormat.fromName("openai-chat")).isEqualTo(ExportFormat.OPENAI_CHAT);
        assertThat(ExportFormat.fromName("prompt-completion")).isEqualTo(ExportFormat.PROMPT_COMPLETION);
        for (ExportFormat f : ExportFormat.values()) {
            assertThat(ExportFormat.fromName(f.formatName())).isEqualTo(f);
        }
        assertThatThrownBy(() -> ExportFormat.fromName("OPENAI_CHAT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown export format 'OPENAI_CHAT'; expected one of: openai-chat, prompt-completion");
        assertThatThrownBy(() -> ExportFormat.fromName(null))
                .hasMessage("unknown export format 'null'; expected one of: openai-chat, prompt-completion");
    }

    @Test
    void checksLinesOfEachFormat() throws Exception {
        assertThat(ExportFormat.OPENAI_CHAT.problemWith(JSON.readTree(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}"))).isNull();
        assertThat(ExportFormat.OPENAI_CHAT.problemWith(JSON.readTree("[1]"))).isEqualTo("not a JSON object");
        assertThat(ExportFormat.OPENAI_CHAT.problemWith(JSON.readTree("{\"messages\":[]}"))).contains("no non-empty \"messages\" array");
        assertThat(ExportFormat.OPENAI_CHAT.problemWith(JSON.readTree("{\"messages\":[{\"role\":\"user\"}]}")))
                .isEqualTo("messages[0] has no string \"content\"");
        assertThat(ExportFormat.OPENAI_CHAT.problemWith(JSON.readTree("{\"messages\":[{\"content\":\"x\"}]}")))
                .isEqualTo("messages[0] has no string \"role\"");
        assertThat(ExportFormat.PROMPT_COMPLETION.problemWith(JSON.readTree("{\"prompt\":\"p\",\"completion\":\"c\",\"extra\":1}"))).isNull();
        assertThat(ExportFormat.PROMPT_COMPLETION.problemWith(JSON.readTree("{\"prompt\":\"p\",\"completion\":3}")))
                .startsWith("no string \"completion\"");
    }
}
