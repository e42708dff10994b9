package dev.sycostream.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.json.Json;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The JSONL line formats a training set can be exported in; one JSON object per line.
 *
 * <ul>
 *   <li>{@link #OPENAI_CHAT} {@code openai-chat}: {@code {"messages":[{"role":"user","content":USER},
 *       {"role":"assistant","content":ASSISTANT}]}}, the stored prompt
 *       {@code "Human: X\n\nAssistant: I believe the best answer is"} split into USER = X and ASSISTANT = the
 *       assistant's lead-in followed by the target answer, e.g. {@code "I believe the best answer is (B)"}.</li>
 *   <li>{@link #PROMPT_COMPLETION} {@code prompt-completion}: {@code {"prompt":PROMPT,"completion":ANSWER}},
 *       the prompt exactly as stored and the target answer, e.g. {@code " (B)"}.</li>
 * </ul>
 */
public enum ExportFormat {
    OPENAI_CHAT("openai-chat"),
    PROMPT_COMPLETION("prompt-completion");

    static final String HUMAN = "Human: ";
    static final String ASSISTANT = "\n\nAssistant:";

    private static final ObjectMapper JSON = Json.MAPPER;

    private final String formatName;

    ExportFormat(String formatName) {
        this.formatName = formatName;
    }

    /** The name used on the command line and in file names, e.g. {@code openai-chat}. */
    public String formatName() {
        return formatName;
    }

    @Override
    public String toString() {
        return formatName;
    }

    /**
     * @throws IllegalArgumentException naming the accepted formats if {@code name} is none of them
     */
    public static ExportFormat fromName(String name) {
        for (ExportFormat f : values()) {
            if (f.formatName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + name + "'; expected one of: " + names());
    }

    /** The accepted names, comma-separated: {@code openai-chat, prompt-completion}. */
    public static String names() {
        return Arrays.stream(values()).map(ExportFormat::formatName).collect(Collectors.joining(", "));
    }

    /**
     * The example as one JSON object in this format.
     *
     * @throws IllegalArgumentException naming the item if the format needs a Human/Assistant prompt and the
     *                                  example's prompt is not one
     */
    public ObjectNode toJson(TrainingExample example) {
        ObjectNode line = JSON.createObjectNode();
        switch (this) {
            case OPENAI_CHAT -> {
                ChatTurns turns = split(example);
                ArrayNode messages = line.putArray("messages");
                messages.addObject().put("role", "user").put("content", turns.user());
                messages.addObject().put("role", "assistant").put("content", turns.assistant());
            }
            case PROMPT_COMPLETION -> {
                line.put("prompt", example.getPrompt().toString());
                line.put("completion", example.getTargetAnswer().toString());
            }
        }
        return line;
    }

    /** {@link #toJson} written as a single line of JSON (no line breaks; newlines inside strings are escaped). */
    public String toLine(TrainingExample example) {
        try {
            return JSON.writeValueAsString(toJson(example));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write item " + example.getItemId() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** The user and assistant turns of an {@link #OPENAI_CHAT} line. */
    public record ChatTurns(String user, String assistant) {
    }

    /**
     * Splits {@code "Human: X\n\nAssistant: LEAD"} into user {@code X} and assistant {@code LEAD + target_answer}
     * (leading whitespace removed), using the last {@code "\n\nAssistant:"}.
     *
     * @throws IllegalArgumentException naming the item if the prompt is not in that form
     */
    public static ChatTurns split(TrainingExample example) {
        String prompt = example.getPrompt().toString();
        int assistant = prompt.lastIndexOf(ASSISTANT);
        if (!prompt.startsWith(HUMAN) || assistant < HUMAN.length()) {
            throw new IllegalArgumentException("item " + example.getItemId() + " of target " + example.getTargetId()
                    + ": prompt is not in the form 'Human: ...\\n\\nAssistant: ...', so it cannot be split into chat turns"
                    + " (it starts " + JSON.getNodeFactory().textNode(abbreviate(prompt)) + ")");
        }
        String user = prompt.substring(HUMAN.length(), assistant);
        String lead = prompt.substring(assistant + ASSISTANT.length());
        return new ChatTurns(user, (lead + example.getTargetAnswer()).stripLeading());
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /**
     * Why {@code line} is not an object of this format, or null if it is. openai-chat needs a non-empty
     * {@code messages} array of objects with string {@code role} and {@code content}; prompt-completion needs
     * string {@code prompt} and {@code completion}. Other fields are allowed.
     */
    public String problemWith(JsonNode line) {
        if (line == null || !line.isObject()) {
            return "not a JSON object";
        }
        switch (this) {
            case OPENAI_CHAT -> {
                JsonNode messages = line.get("messages");
                if (messages == null || !messages.isArray() || messages.isEmpty()) {
                    return "no non-empty \"messages\" array (" + formatName + " needs {\"messages\":[{\"role\":...,\"content\":...},...]})";
                }
                for (int i = 0; i < messages.size(); i++) {
                    JsonNode m = messages.get(i);
                    if (!m.isObject()) {
                        return "messages[" + i + "] is not an object";
                    }
                    if (!m.path("role").isTextual() || m.get("role").asText().isBlank()) {
                        return "messages[" + i + "] has no string \"role\"";
                    }
                    if (!m.path("content").isTextual()) {
                        return "messages[" + i + "] has no string \"content\"";
                    }
                }
                return null;
            }
            case PROMPT_COMPLETION -> {
                for (String field : new String[]{"prompt", "completion"}) {
                    if (!line.path(field).isTextual()) {
                        return "no string \"" + field + "\" (" + formatName + " needs {\"prompt\":...,\"completion\":...})";
                    }
                }
                return null;
            }
            default -> throw new IllegalStateException("unhandled format " + this);
        }
    }
}
