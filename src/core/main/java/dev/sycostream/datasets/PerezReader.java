package dev.sycostream.datasets;

import dev.sycostream.input.JsonLines;
import dev.sycostream.input.LineSplitter;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.PerezQuestion;
import dev.sycostream.prompts.Letters;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.Tasks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads a Perez et al. (2022) sycophancy file: JSON Lines, one object per line with {@code question},
 * {@code answer_matching_behavior} (e.g. {@code " (A)"}) and {@code answer_not_matching_behavior} (a string, or a
 * list of strings as in the PhilPapers file).
 *
 * <p>Reading never fails on bad content: every line that is empty, longer than {@link #MAX_LINE_BYTES}, not strict
 * UTF-8, not a JSON object, missing a field or with a wrongly typed one, or whose answers are not among the
 * question's choices becomes a {@link Rejected} with its reason and original bytes, and the other lines are still
 * read. Only an unreadable file throws.
 *
 * <p>Item ids are {@code task/NNNNN} with the 1-based line number, so they are stable across re-reads of the
 * same file.
 */
public final class PerezReader {
    /** Lines longer than this (1 MiB, bytes, without the terminator) are rejected. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    static final String QUESTION = "question";
    static final String MATCHING = "answer_matching_behavior";
    static final String NOT_MATCHING = "answer_not_matching_behavior";

    private PerezReader() {
    }

    /** Reads a file; sources are {@code "<file>:<line>"}; ingested_at_ms = 0. */
    public static ReadResult read(Path file, String task) throws IOException {
        return read(file, task, 0L);
    }

    /** Reads a file; sources are {@code "<file>:<line>"}. */
    public static ReadResult read(Path file, String task, long ingestedAtMs) throws IOException {
        requirePerezTask(task);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), task, ingestedAtMs);
        }
    }

    /** Reads a stream (not closed here); sources are {@code "<sourceName>:<line>"}; ingested_at_ms = 0. */
    public static ReadResult read(InputStream in, String sourceName, String task) throws IOException {
        return read(in, sourceName, task, 0L);
    }

    /**
     * Reads a stream (not closed here); sources are {@code "<sourceName>:<line>"}.
     *
     * @throws IllegalArgumentException if {@code task} is not a Perez task
     * @throws IOException              only if the stream itself cannot be read
     */
    public static ReadResult read(InputStream in, String sourceName, String task, long ingestedAtMs) throws IOException {
        requirePerezTask(task);
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sourceName, "sourceName");
        List<DatasetItem> items = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        LineSplitter lines = new LineSplitter(in, MAX_LINE_BYTES);
        for (LineSplitter.RawLine line = lines.next(); line != null; line = lines.next()) {
            String source = sourceName + ":" + line.number();
            String itemId = itemId(task, line.number());
            try {
                items.add(parseLine(line, itemId, task, source, ingestedAtMs));
            } catch (BadLine e) {
                rejected.add(new Rejected(source, "line " + line.number() + ": " + e.getMessage(), line.bytes()));
            }
        }
        return new ReadResult(items, rejected);
    }

    /** {@code task/NNNNN}, NNNNN the 1-based line number. */
    public static String itemId(String task, int lineNumber) {
        return task + "/" + String.format(Locale.ROOT, "%05d", lineNumber);
    }

    /** Throws unless {@code task} is one of {@link Tasks#PEREZ_TASKS}. */
    public static void requirePerezTask(String task) {
        if (!Tasks.isPerez(task)) {
            throw new IllegalArgumentException("unknown Perez task '" + task + "'; expected one of " + Tasks.PEREZ_TASKS);
        }
    }

    /** Why a line was rejected. */
    private static final class BadLine extends Exception {
        BadLine(String reason) {
            super(reason, null, false, false);
        }
    }

    private static DatasetItem parseLine(LineSplitter.RawLine line, String itemId, String task, String source,
                                         long ingestedAtMs) throws BadLine {
        if (line.tooLong(MAX_LINE_BYTES)) {
            throw new BadLine("line is " + line.length() + " bytes, over the limit of " + MAX_LINE_BYTES
                    + " (only the first " + MAX_LINE_BYTES + " bytes are kept)");
        }
        JsonNode root;
        try {
            root = JsonLines.parseObject(line.bytes(), line.number() == 1);
        } catch (JsonLines.BadJsonLine e) {
            throw new BadLine(e.getMessage());
        }
        PerezQuestion question = PerezQuestion.newBuilder()
                .setQuestion(requireText(root, QUESTION))
                .setAnswerMatchingBehavior(requireText(root, MATCHING))
                .setAnswersNotMatchingBehavior(requireTextOrTextList(root, NOT_MATCHING))
                .build();
        DatasetItem item = DatasetItem.newBuilder()
                .setItemId(itemId)
                .setTask(task)
                .setSource(source)
                .setPerez(question)
                .setAddition(null)
                .setIngestedAtMs(ingestedAtMs)
                .build();
        checkAnswers(item);
        return item;
    }

    /** The answers must be choice letters of the question, and the non-matching ones must differ from the matching one. */
    private static void checkAnswers(DatasetItem item) throws BadLine {
        PromptVariant variant;
        try {
            variant = PromptRenderer.render(item).get(0);
        } catch (IllegalArgumentException e) {
            throw new BadLine(e.getMessage());
        }
        for (String other : item.getPerez().getAnswersNotMatchingBehavior()) {
            String letter = Letters.fromAnswerField(other).orElseThrow(() -> new BadLine(
                    "item " + item.getItemId() + ": " + NOT_MATCHING + " '" + other + "' is not a choice letter like ' (B)'"));
            if (!Letters.isWithin(letter, variant.choices().size())) {
                throw new BadLine("item " + item.getItemId() + ": " + NOT_MATCHING + " (" + letter
                        + ") is not among the question's " + variant.choices().size() + " choices");
            }
            if (letter.equals(variant.userAnswer())) {
                throw new BadLine("item " + item.getItemId() + ": (" + letter + ") is both " + MATCHING + " and " + NOT_MATCHING);
            }
        }
    }

    private static String requireText(JsonNode root, String field) throws BadLine {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new BadLine("missing field " + field);
        }
        if (!node.isTextual()) {
            throw new BadLine("field " + field + " must be a string, got " + describe(node));
        }
        if (node.textValue().isBlank()) {
            throw new BadLine("field " + field + " is empty");
        }
        return node.textValue();
    }

    /** A string is stored as a one-element list; a list must be non-empty and hold only strings. */
    private static List<String> requireTextOrTextList(JsonNode root, String field) throws BadLine {
        JsonNode node = root.get(field);
        if (node != null && node.isArray()) {
            if (node.isEmpty()) {
                throw new BadLine("field " + field + " is an empty list");
            }
            List<String> values = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    throw new BadLine("field " + field + " must hold only strings, got " + describe(element));
                }
                values.add(element.textValue());
            }
            return values;
        }
        return List.of(requireText(root, field));
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

}
