package dev.sycostream.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MultipleChoiceQuestion;
import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.input.JsonRecords;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;
import dev.sycostream.prompts.Letters;
import dev.sycostream.prompts.PromptRenderer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a multiple-choice file: a JSON array or JSON Lines of objects with {@code question} (a string),
 * {@code options} and {@code correct} (a letter, "B" or "(B)"). {@code options} is a list of {@code "A) text"}
 * strings (also "(A) text", "A. text", "A: text"; the letters must run A, B, C, ... in order), a list of plain texts
 * (lettered in order), or an object {@code {"A": "text", "B": "text"}} whose keys are exactly A, B, C, .... Every
 * other field (domain, difficulty, ...) is kept as metadata.
 *
 * <p>Like every reader it never fails on content: a row that is not an object, lacks a field, has fewer than two
 * options or a correct letter outside them becomes a {@link Rejected} with the reason, and the other rows are read.
 */
public final class MultipleChoiceReader {
    static final String QUESTION = "question";
    static final String OPTIONS = "options";
    static final String CORRECT = "correct";
    /** "A) text", "(A) text", "A. text", "A: text". */
    private static final Pattern LETTERED = Pattern.compile("^\\s*\\(?([A-Z])\\s*[).:]\\s*(.*)$", Pattern.DOTALL);

    private MultipleChoiceReader() {
    }

    /** Why a row was rejected (package-private: {@link AreYouSureReader} rejects its rows the same way). */
    static final class BadRow extends Exception {
        BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Reads a file for task {@code task}, every item with the given pushback kinds.
     *
     * @throws DatasetFiles.Refused if the file is empty, a Git LFS pointer or too large
     */
    public static ReadResult read(Path file, String task, List<String> pushback, long ingestedAtMs) throws IOException {
        return read(file, task, ingestedAtMs, root -> question(root, pushback));
    }

    /** Turns one JSON row into a question, or says why it cannot. */
    interface RowParser {
        MultipleChoiceQuestion question(JsonNode row) throws BadRow;
    }

    /**
     * The loop every multiple-choice format shares: each row parsed by {@code parser} into an item with its content
     * id and provenance, repeated items counted, bad rows rejected with "line N: reason".
     */
    static ReadResult read(Path file, String task, long ingestedAtMs, RowParser parser) throws IOException {
        byte[] bytes = DatasetFiles.readChecked(file);
        String sha256 = ItemIdentity.sha256Hex(bytes);
        Map<String, DatasetItem> items = new LinkedHashMap<>();
        List<Rejected> rejected = new ArrayList<>();
        int duplicates = 0;
        for (JsonRecords.JsonRecord record : JsonRecords.read(bytes, PerezReader.MAX_LINE_BYTES)) {
            String source = file + ":" + record.line();
            try {
                if (!record.ok()) {
                    throw new BadRow(record.error());
                }
                DatasetItem item = item(task, source, parser.question(record.object()), ingestedAtMs);
                item.setSourceSha256(sha256);
                item.setSourceLine(record.line());
                if (items.putIfAbsent(item.getItemId(), item) != null) {
                    duplicates++;
                }
            } catch (BadRow | IllegalArgumentException e) {
                rejected.add(new Rejected(source, "line " + record.line() + ": " + e.getMessage(), record.original()));
            }
        }
        return new ReadResult(List.copyOf(items.values()), rejected, duplicates);
    }

    /** A multiple-choice item with its content id; the caller sets the provenance fields. */
    static DatasetItem item(String task, String source, MultipleChoiceQuestion question, long ingestedAtMs) {
        DatasetItem item = DatasetItem.newBuilder()
                .setItemId("").setTask(task).setSource(source)
                .setPerez(null).setAddition(null).setSynthetic(null)
                .setMultipleChoice(question)
                .setIngestedAtMs(ingestedAtMs)
                .build();
        ItemIdentity.assign(item);
        PromptRenderer.render(item); // the checks of the renderer, once more, on the finished item
        return item;
    }

    private static MultipleChoiceQuestion question(JsonNode root, List<String> pushback) throws BadRow {
        JsonNode q = root.get(QUESTION);
        if (q == null || q.isNull()) {
            throw new BadRow("missing field " + QUESTION);
        }
        if (!q.isTextual() || q.textValue().isBlank()) {
            throw new BadRow("field " + QUESTION + " must be a non-empty string, got " + describe(q));
        }
        List<String> options = options(root.get(OPTIONS));
        String correct = correct(root.get(CORRECT), options.size());
        Map<String, String> metadata = new TreeMap<>();
        root.fields().forEachRemaining(e -> {
            if (!List.of(QUESTION, OPTIONS, CORRECT).contains(e.getKey())) {
                metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        return MultipleChoiceQuestion.newBuilder().setQuestion(q.textValue()).setOptions(options).setCorrect(correct)
                .setPushback(pushback).setMetadata(metadata).build();
    }

    private static List<String> options(JsonNode node) throws BadRow {
        if (node == null || node.isNull()) {
            throw new BadRow("missing field " + OPTIONS);
        }
        List<String> options = new ArrayList<>();
        if (node.isObject()) {
            int i = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); i++) {
                Map.Entry<String, JsonNode> e = it.next();
                String expected = i < Letters.MAX_CHOICES ? Letters.of(i) : "?";
                if (!e.getKey().strip().equals(expected)) {
                    throw new BadRow("field " + OPTIONS + ": key '" + e.getKey() + "' where '" + expected
                            + "' was expected (the keys must be A, B, C, ... in order)");
                }
                options.add(optionText(e.getValue()));
            }
        } else if (node.isArray()) {
            boolean lettered = node.size() > 0 && node.get(0).isTextual() && LETTERED.matcher(node.get(0).textValue()).matches();
            for (int i = 0; i < node.size(); i++) {
                String text = optionText(node.get(i));
                if (lettered) {
                    Matcher m = LETTERED.matcher(text);
                    String expected = i < Letters.MAX_CHOICES ? Letters.of(i) : "?";
                    if (!m.matches() || !m.group(1).equals(expected)) {
                        throw new BadRow("field " + OPTIONS + ": option " + (i + 1) + " '" + text + "' does not start with '"
                                + expected + ")' like the first option");
                    }
                    text = requireText(m.group(2).strip(), i);
                }
                options.add(text);
            }
        } else {
            throw new BadRow("field " + OPTIONS + " must be a list or an object, got " + describe(node));
        }
        if (options.size() < 2 || options.size() > Letters.MAX_CHOICES) {
            throw new BadRow("field " + OPTIONS + " must have 2.." + Letters.MAX_CHOICES + " options, has " + options.size());
        }
        return options;
    }

    private static String optionText(JsonNode value) throws BadRow {
        if (!value.isTextual()) {
            throw new BadRow("field " + OPTIONS + " must hold only strings, got " + describe(value));
        }
        return requireText(value.textValue().strip(), -1);
    }

    private static String requireText(String text, int index) throws BadRow {
        if (text.isEmpty()) {
            throw new BadRow("field " + OPTIONS + " has an empty option" + (index >= 0 ? " (" + (index + 1) + ")" : ""));
        }
        return text;
    }

    private static String correct(JsonNode node, int optionCount) throws BadRow {
        if (node == null || node.isNull()) {
            throw new BadRow("missing field " + CORRECT);
        }
        if (!node.isTextual()) {
            throw new BadRow("field " + CORRECT + " must be a letter like \"B\", got " + describe(node));
        }
        String letter = Letters.fromAnswerField(node.textValue()).orElseThrow(() -> new BadRow(
                "field " + CORRECT + " '" + node.textValue() + "' is not a letter like \"B\""));
        if (!Letters.isWithin(letter, optionCount)) {
            throw new BadRow("field " + CORRECT + " (" + letter + ") is not among the " + optionCount + " options");
        }
        return letter;
    }

    static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
