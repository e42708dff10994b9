package dev.sycostream.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.avro.MultipleChoiceQuestion;
import dev.sycostream.datasets.MultipleChoiceReader.BadRow;
import dev.sycostream.input.ReadResult;
import dev.sycostream.prompts.Letters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Sharma et al.'s (2023) {@code are_you_sure.jsonl}: one object per line with
 * <ul>
 *   <li>{@code prompt}: a list of {@code {"type": "human"|"ai", "content": ...}} messages, the human question with
 *       its options and an instruction, usually followed by an ai prefix such as {@code "The answer is ("};</li>
 *   <li>{@code base}: {@code question}, {@code correct_letter}, {@code answers} (the options as lines
 *       {@code "(A) ...\n(B) ..."}), and often {@code dataset}, {@code letters}, ...;</li>
 *   <li>{@code metadata}: e.g. {@code prompt_template}.</li>
 * </ul>
 * Each row becomes the same item as a {@code multiple-choice:} row: question {@code base.question}, options parsed
 * from {@code base.answers}, correct letter {@code base.correct_letter}. Turn 1 is therefore rendered by the
 * project's multiple-choice template like every other multiple-choice item; the dataset's own human text and ai
 * prefix are not sent (see the README, "Multiple choice, asked in two turns") but kept as metadata
 * ({@code prompt_human}, {@code prompt_ai}), with every other field of {@code base} and {@code metadata}.
 *
 * <p>A row of the file's free-form part (no {@code correct_letter}: trivia_qa, truthful_qa) has no letter to score
 * and is rejected with that reason, like every other bad row, so nothing is dropped silently.
 */
public final class AreYouSureReader {
    static final String PROMPT = "prompt";
    static final String BASE = "base";
    static final String METADATA = "metadata";
    static final String QUESTION = "question";
    static final String CORRECT_LETTER = "correct_letter";
    static final String ANSWERS = "answers";
    static final String LETTERS = "letters";
    /** Metadata keys of the prompt's messages. */
    static final String PROMPT_HUMAN = "prompt_human";
    static final String PROMPT_AI = "prompt_ai";
    /** An option line of base.answers: "(A) text" at the start of a line; the text runs to the next such line. */
    private static final Pattern OPTION = Pattern.compile("(?m)^[ \\t]*\\(([A-Z])\\)[ \\t]?");

    private AreYouSureReader() {
    }

    /**
     * Reads a file for task {@code task}, every item with the given pushback kinds.
     *
     * @throws DatasetFiles.Refused if the file is empty, a Git LFS pointer or too large
     */
    public static ReadResult read(Path file, String task, List<String> pushback, long ingestedAtMs) throws IOException {
        return MultipleChoiceReader.read(file, task, ingestedAtMs, row -> question(row, pushback));
    }

    private static MultipleChoiceQuestion question(JsonNode row, List<String> pushback) throws BadRow {
        Map<String, String> metadata = new TreeMap<>();
        prompt(row.get(PROMPT), metadata);
        JsonNode base = row.get(BASE);
        if (base == null || base.isNull()) {
            throw new BadRow("missing field " + BASE);
        }
        if (!base.isObject()) {
            throw new BadRow("field " + BASE + " must be an object, got " + MultipleChoiceReader.describe(base));
        }
        String question = text(base, QUESTION);
        JsonNode correctNode = base.get(CORRECT_LETTER);
        if (correctNode == null || correctNode.isNull()) {
            JsonNode dataset = base.get("dataset");
            throw new BadRow("missing field " + BASE + "." + CORRECT_LETTER + " (a free-form question"
                    + (dataset != null && dataset.isTextual() ? " of " + dataset.textValue() : "")
                    + "? only the multiple-choice rows of are_you_sure.jsonl can be read)");
        }
        List<String> options = options(text(base, ANSWERS));
        String correct = correct(correctNode, options.size());
        JsonNode letters = base.get(LETTERS);
        if (letters != null && letters.isTextual() && !letters.textValue().strip().isEmpty()
                && !letters.textValue().strip().equals(lettersOf(options.size()))) {
            throw new BadRow("field " + BASE + "." + LETTERS + " '" + letters.textValue() + "' does not match the "
                    + options.size() + " options of " + BASE + "." + ANSWERS + " (" + lettersOf(options.size()) + ")");
        }
        Set<String> read = Set.of(QUESTION, CORRECT_LETTER, ANSWERS);
        base.fields().forEachRemaining(e -> {
            if (!read.contains(e.getKey())) {
                metadata.put(e.getKey(), asText(e.getValue()));
            }
        });
        JsonNode extra = row.get(METADATA);
        if (extra != null && extra.isObject()) {
            extra.fields().forEachRemaining(e -> metadata.putIfAbsent(e.getKey(), asText(e.getValue())));
        } else if (extra != null && !extra.isNull()) {
            metadata.put(METADATA, asText(extra));
        }
        row.fields().forEachRemaining(e -> {
            if (!Set.of(PROMPT, BASE, METADATA).contains(e.getKey())) {
                metadata.putIfAbsent(e.getKey(), asText(e.getValue()));
            }
        });
        return MultipleChoiceQuestion.newBuilder().setQuestion(question).setOptions(options).setCorrect(correct)
                .setPushback(pushback).setMetadata(metadata).build();
    }

    /** Checks the prompt's shape and keeps its human text and ai prefix as metadata (they are not sent). */
    private static void prompt(JsonNode prompt, Map<String, String> metadata) throws BadRow {
        if (prompt == null || prompt.isNull()) {
            throw new BadRow("missing field " + PROMPT);
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw new BadRow("field " + PROMPT + " must be a non-empty list of {\"type\": \"human\"|\"ai\", \"content\": ...},"
                    + " got " + (prompt.isArray() ? "an empty list" : MultipleChoiceReader.describe(prompt)));
        }
        StringBuilder human = new StringBuilder();
        StringBuilder ai = new StringBuilder();
        for (int i = 0; i < prompt.size(); i++) {
            JsonNode m = prompt.get(i);
            JsonNode type = m.get("type");
            JsonNode content = m.get("content");
            if (!m.isObject() || type == null || !type.isTextual() || content == null || !content.isTextual()) {
                throw new BadRow("field " + PROMPT + ": message " + (i + 1) + " must be {\"type\": \"human\"|\"ai\", \"content\": \"...\"}");
            }
            switch (type.textValue()) {
                case "human" -> human.append(human.isEmpty() ? "" : "\n\n").append(content.textValue());
                case "ai" -> ai.append(content.textValue());
                default -> throw new BadRow("field " + PROMPT + ": message " + (i + 1) + " has type '" + type.textValue()
                        + "', expected human or ai");
            }
        }
        if (!"human".equals(prompt.get(0).get("type").textValue())) {
            throw new BadRow("field " + PROMPT + ": the first message must be the human question");
        }
        metadata.put(PROMPT_HUMAN, human.toString());
        if (!ai.isEmpty()) {
            metadata.put(PROMPT_AI, ai.toString());
        }
    }

    private static String text(JsonNode base, String field) throws BadRow {
        JsonNode node = base.get(field);
        if (node == null || node.isNull()) {
            throw new BadRow("missing field " + BASE + "." + field);
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw new BadRow("field " + BASE + "." + field + " must be a non-empty string, got "
                    + (node.isTextual() ? "a blank one" : MultipleChoiceReader.describe(node)));
        }
        return node.textValue();
    }

    /** "(A) x\n(B) y" → [x, y]; the letters must run A, B, C, ... and every option have text. */
    private static List<String> options(String answers) throws BadRow {
        Matcher m = OPTION.matcher(answers);
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        int i = 0;
        while (m.find()) {
            String expected = i < Letters.MAX_CHOICES ? Letters.of(i) : "?";
            if (!m.group(1).equals(expected)) {
                throw new BadRow("field " + BASE + "." + ANSWERS + ": option (" + m.group(1) + ") where (" + expected
                        + ") was expected (the options must run (A), (B), (C), ... one per line)");
            }
            if (i == 0 && !answers.substring(0, m.start()).isBlank()) {
                throw new BadRow("field " + BASE + "." + ANSWERS + " must start with '(A) ', got '" + head(answers) + "'");
            }
            starts.add(m.start());
            ends.add(m.end());
            i++;
        }
        List<String> options = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            String text = answers.substring(ends.get(k), k + 1 < starts.size() ? starts.get(k + 1) : answers.length()).strip();
            if (text.isEmpty()) {
                throw new BadRow("field " + BASE + "." + ANSWERS + ": option (" + Letters.of(k) + ") is empty");
            }
            options.add(text);
        }
        if (options.size() < 2 || options.size() > Letters.MAX_CHOICES) {
            throw new BadRow("field " + BASE + "." + ANSWERS + " must hold 2.." + Letters.MAX_CHOICES
                    + " options as lines '(A) ...', has " + options.size() + ": '" + head(answers) + "'");
        }
        return options;
    }

    private static String correct(JsonNode node, int optionCount) throws BadRow {
        if (!node.isTextual()) {
            throw new BadRow("field " + BASE + "." + CORRECT_LETTER + " must be a letter like \"B\", got "
                    + MultipleChoiceReader.describe(node));
        }
        String letter = Letters.fromAnswerField(node.textValue()).orElseThrow(() -> new BadRow(
                "field " + BASE + "." + CORRECT_LETTER + " '" + node.textValue() + "' is not a letter like \"B\""));
        if (!Letters.isWithin(letter, optionCount)) {
            throw new BadRow("field " + BASE + "." + CORRECT_LETTER + " (" + letter + ") is not among the "
                    + optionCount + " options of " + BASE + "." + ANSWERS);
        }
        return letter;
    }

    private static String lettersOf(int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(Letters.of(i));
        }
        return b.toString();
    }

    private static String head(String s) {
        String one = s.strip().replace("\n", "\\n");
        return one.length() <= 60 ? one : one.substring(0, 60) + "...";
    }

    private static String asText(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
