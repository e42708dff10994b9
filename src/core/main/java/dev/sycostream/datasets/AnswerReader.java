package dev.sycostream.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.avro.AnswerQuestion;
import dev.sycostream.avro.AnswerVariant;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.input.JsonRecords;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;
import dev.sycostream.prompts.AnswerTemplates;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.scoring.FreeFormScorer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads Sharma et al. 2023's {@code answer.jsonl} (JSON Lines or a JSON array): each line is one question under one
 * prompt template, {@code {"prompt": [{"type": "human", "content": ...}], "base": {"question", "correct_answer",
 * "incorrect_answer", "answer": [aliases], "dataset", ...}, "metadata": {"prompt_template": ...}}}.
 *
 * <p>Design: the lines of one question become one item whose variants are its templates, so the paired metric
 * (correct without a suggestion, incorrect with the suggested incorrect answer) pairs two variants of one item, under
 * the item's content id, exactly as the addition items pair theirs. A question is the triple (question,
 * correct_answer, incorrect_answer), texts exactly as given: two lines with that triple are the same question
 * whatever their order in the file. The prompt of each line is kept as given (it is already rendered from the
 * template); {@code prompt} must be one human turn, optionally followed by one ai turn (the start of the answer).
 *
 * <p>Bad lines are rejected with the reason, the others read: a missing or non-text field, an unknown template, a
 * prompt of another shape, a line whose aliases differ from those of an earlier line of the same question, or a
 * second line for a template already read with another prompt (the same line repeated is a duplicate, read once).
 * {@code base.answer} may be a list of strings or one string; every other base field is kept as metadata.
 */
public final class AnswerReader {
    private static final List<String> BASE_FIELDS = List.of("question", "correct_answer", "incorrect_answer", "answer");

    private AnswerReader() {
    }

    private static final class BadRow extends Exception {
        BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One good line. */
    private record Line(int line, String question, String correct, String incorrect, List<String> aliases,
                        AnswerVariant variant, Map<String, String> metadata) {
        List<String> key() {
            return List.of(question, correct, incorrect);
        }
    }

    /** The lines of one question read so far. */
    private static final class Group {
        final Line first;
        final Map<String, AnswerVariant> byKind = new TreeMap<>();
        final Map<String, String> metadata = new TreeMap<>();

        Group(Line first) {
            this.first = first;
        }
    }

    /**
     * Reads a file for task {@code task}.
     *
     * @throws DatasetFiles.Refused if the file is empty, a Git LFS pointer or too large
     */
    public static ReadResult read(Path file, String task, long ingestedAtMs) throws IOException {
        byte[] bytes = DatasetFiles.readChecked(file);
        String sha256 = ItemIdentity.sha256Hex(bytes);
        Map<List<String>, Group> groups = new LinkedHashMap<>();
        List<Rejected> rejected = new ArrayList<>();
        int duplicates = 0;
        for (JsonRecords.JsonRecord record : JsonRecords.read(bytes, PerezReader.MAX_LINE_BYTES)) {
            String source = file + ":" + record.line();
            try {
                if (!record.ok()) {
                    throw new BadRow(record.error());
                }
                Line line = line(record.line(), record.object());
                Group group = groups.get(line.key());
                if (group == null) {
                    group = new Group(line);
                    groups.put(line.key(), group);
                } else if (!group.first.aliases().equals(line.aliases())) {
                    throw new BadRow("aliases " + line.aliases() + " differ from " + group.first.aliases()
                            + " of the same question on line " + group.first.line());
                }
                AnswerVariant earlier = group.byKind.get(line.variant().getKind());
                if (earlier != null) {
                    if (!earlier.equals(line.variant())) {
                        throw new BadRow("a second prompt for template '" + line.variant().getKind()
                                + "' of the question on line " + group.first.line() + ", and a different one");
                    }
                    duplicates++;
                    continue;
                }
                group.byKind.put(line.variant().getKind(), line.variant());
                group.metadata.putAll(line.metadata());
            } catch (BadRow e) {
                rejected.add(new Rejected(source, "line " + record.line() + ": " + e.getMessage(), record.original()));
            }
        }
        List<DatasetItem> items = new ArrayList<>();
        for (Group g : groups.values()) {
            Line first = g.first;
            AnswerQuestion q = AnswerQuestion.newBuilder()
                    .setQuestion(first.question()).setCorrectAnswer(first.correct())
                    .setIncorrectAnswer(first.incorrect()).setAliases(first.aliases())
                    .setVariants(g.byKind.values().stream()
                            .sorted(Comparator.comparing(AnswerVariant::getKind)).toList())
                    .setMetadata(g.metadata).build();
            DatasetItem item = DatasetItem.newBuilder()
                    .setItemId("").setTask(task).setSource(file + ":" + first.line())
                    .setPerez(null).setAddition(null).setSynthetic(null).setMultipleChoice(null)
                    .setAnswer(q).setIngestedAtMs(ingestedAtMs)
                    .setSourceSha256(sha256).setSourceLine(first.line())
                    .build();
            ItemIdentity.assign(item);
            PromptRenderer.render(item);
            items.add(item);
        }
        return new ReadResult(items, rejected, duplicates);
    }

    private static Line line(int lineNo, JsonNode root) throws BadRow {
        JsonNode base = root.get("base");
        if (base == null || !base.isObject()) {
            throw new BadRow("field base must be an object" + (base == null ? ", missing" : ", got " + describe(base)));
        }
        String question = text(base, "question", "base.question");
        String correct = text(base, "correct_answer", "base.correct_answer");
        String incorrect = text(base, "incorrect_answer", "base.incorrect_answer");
        if (normalisedEqual(correct, incorrect)) {
            throw new BadRow("base.correct_answer and base.incorrect_answer are the same answer '" + correct + "'");
        }
        LinkedHashSet<String> aliases = new LinkedHashSet<>();
        aliases.add(correct);
        JsonNode answer = base.get("answer");
        if (answer != null && !answer.isNull()) {
            if (answer.isTextual()) {
                aliases.add(answer.textValue());
            } else if (answer.isArray()) {
                for (JsonNode a : answer) {
                    if (!a.isTextual()) {
                        throw new BadRow("field base.answer must hold only strings, got " + describe(a));
                    }
                    if (!a.textValue().isBlank()) {
                        aliases.add(a.textValue());
                    }
                }
            } else {
                throw new BadRow("field base.answer must be a list of aliases or a string, got " + describe(answer));
            }
        }
        for (String alias : aliases) {
            if (normalisedEqual(alias, incorrect)) {
                throw new BadRow("alias '" + alias + "' of the correct answer is the incorrect answer '" + incorrect + "'");
            }
        }
        JsonNode metadata = root.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw new BadRow("field metadata must be an object with prompt_template");
        }
        String template = text(metadata, "prompt_template", "metadata.prompt_template");
        String kind = AnswerTemplates.kindOf(template).orElseThrow(() -> new BadRow(
                "unknown metadata.prompt_template '" + template + "', expected one of "
                        + AnswerTemplates.KIND_OF_TEMPLATE.keySet().stream().sorted().toList()));
        AnswerVariant variant = variant(root.get("prompt"), kind, template);
        Map<String, String> meta = new TreeMap<>();
        base.fields().forEachRemaining(e -> {
            if (!BASE_FIELDS.contains(e.getKey())) {
                meta.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        return new Line(lineNo, question, correct, incorrect, List.copyOf(aliases), variant, meta);
    }

    private static AnswerVariant variant(JsonNode prompt, String kind, String template) throws BadRow {
        if (prompt == null || !prompt.isArray() || prompt.isEmpty() || prompt.size() > 2) {
            throw new BadRow("field prompt must be a list of one human turn and optionally one ai turn"
                    + (prompt == null ? ", missing" : ", got " + (prompt.isArray() ? prompt.size() + " turns" : describe(prompt))));
        }
        String human = turn(prompt.get(0), "human", 0);
        String ai = prompt.size() == 2 ? turn(prompt.get(1), "ai", 1) : null;
        if (human.isBlank()) {
            throw new BadRow("field prompt: the human turn is empty");
        }
        return AnswerVariant.newBuilder().setKind(kind).setTemplate(template).setHuman(human).setAiPrefix(ai).build();
    }

    private static String turn(JsonNode turn, String type, int index) throws BadRow {
        if (turn == null || !turn.isObject()) {
            throw new BadRow("field prompt: turn " + (index + 1) + " must be an object {type, content}");
        }
        JsonNode t = turn.get("type");
        JsonNode c = turn.get("content");
        if (t == null || !t.isTextual() || !type.equals(t.textValue())) {
            throw new BadRow("field prompt: turn " + (index + 1) + " must be of type '" + type + "', got "
                    + (t == null ? "none" : t.toString()));
        }
        if (c == null || !c.isTextual()) {
            throw new BadRow("field prompt: turn " + (index + 1) + " needs a string content");
        }
        return c.textValue();
    }

    private static String text(JsonNode parent, String field, String name) throws BadRow {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw new BadRow("missing field " + name);
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new BadRow("field " + name + " must be a non-empty string, got " + describe(v));
        }
        return v.textValue();
    }

    private static boolean normalisedEqual(String a, String b) {
        return Objects.equals(FreeFormScorer.normalise(a),
                FreeFormScorer.normalise(b));
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
