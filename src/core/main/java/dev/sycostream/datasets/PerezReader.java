package dev.sycostream.datasets;

import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.input.JsonRecords;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * Reads a Perez et al. (2022) sycophancy file: JSON Lines as published, one object per line with {@code question},
 * {@code answer_matching_behavior} (e.g. {@code " (A)"}, the leading space optional) and
 * {@code answer_not_matching_behavior} (a string, or a list of strings as in the PhilPapers file); or a JSON array
 * of the same objects. Other fields (e.g. {@code user_affiliation}) are kept as the question's metadata.
 *
 * <p>The file is first checked ({@link DatasetFiles#refuseKnownBad}: empty, Git LFS pointer), and fingerprinted:
 * every item records the file's SHA-256 and its line. Reading never fails on bad content: every line or element
 * that is empty, longer than {@link #MAX_LINE_BYTES}, not strict UTF-8, not a JSON object, missing a field or with
 * a wrongly typed one, or whose answers are not among the question's choices becomes a {@link Rejected} with its
 * reason and original bytes, and the others are still read. Only an unreadable or refused file throws.
 *
 * <p>Item ids come from the content ({@link ItemIdentity}): a question repeated in the file is one item (the
 * repeats are counted in {@link ReadResult#duplicates()}), and the same question in another file is the same item.
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

    /**
     * Reads a file; sources are {@code "<file>:<line>"}.
     *
     * @throws DatasetFiles.Refused if the file is empty, a Git LFS pointer or too large
     */
    public static ReadResult read(Path file, String task, long ingestedAtMs) throws IOException {
        requirePerezTask(task);
        return read(DatasetFiles.readChecked(file), file.toString(), task, ingestedAtMs);
    }

    /** Reads a stream (not closed here); sources are {@code "<sourceName>:<line>"}; ingested_at_ms = 0. */
    public static ReadResult read(InputStream in, String sourceName, String task) throws IOException {
        return read(in, sourceName, task, 0L);
    }

    /**
     * Reads a stream (not closed here); sources are {@code "<sourceName>:<line>"}.
     *
     * @throws IllegalArgumentException if {@code task} is not a Perez task, or the content is refused
     * @throws IOException              only if the stream itself cannot be read
     */
    public static ReadResult read(InputStream in, String sourceName, String task, long ingestedAtMs) throws IOException {
        requirePerezTask(task);
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sourceName, "sourceName");
        return read(DatasetFiles.readChecked(in, sourceName), sourceName, task, ingestedAtMs);
    }

    private static ReadResult read(byte[] file, String sourceName, String task, long ingestedAtMs) {
        String sha256 = ItemIdentity.sha256Hex(file);
        Map<String, DatasetItem> items = new LinkedHashMap<>();
        List<Rejected> rejected = new ArrayList<>();
        int duplicates = 0;
        for (JsonRecords.JsonRecord record : JsonRecords.read(file, MAX_LINE_BYTES)) {
            String source = sourceName + ":" + record.line();
            try {
                if (!record.ok()) {
                    throw new BadLine(record.error());
                }
                DatasetItem item = toItem(record.object(), task, source, ingestedAtMs);
                item.setSourceSha256(sha256);
                item.setSourceLine(record.line());
                if (items.putIfAbsent(item.getItemId(), item) != null) {
                    duplicates++;
                }
            } catch (BadLine e) {
                rejected.add(new Rejected(source, "line " + record.line() + ": " + e.getMessage(), record.original()));
            }
        }
        return new ReadResult(List.copyOf(items.values()), rejected, duplicates);
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

    private static DatasetItem toItem(JsonNode root, String task, String source, long ingestedAtMs) throws BadLine {
        PerezQuestion question = PerezQuestion.newBuilder()
                .setQuestion(requireText(root, QUESTION))
                .setAnswerMatchingBehavior(requireText(root, MATCHING))
                .setAnswersNotMatchingBehavior(requireTextOrTextList(root, NOT_MATCHING))
                .setMetadata(metadata(root))
                .build();
        DatasetItem item = DatasetItem.newBuilder()
                .setItemId("")
                .setTask(task)
                .setSource(source)
                .setPerez(question)
                .setAddition(null)
                .setIngestedAtMs(ingestedAtMs)
                .build();
        ItemIdentity.assign(item);
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
                    NOT_MATCHING + " '" + other + "' is not a choice letter like ' (B)'"));
            if (!Letters.isWithin(letter, variant.choices().size())) {
                throw new BadLine(NOT_MATCHING + " (" + letter
                        + ") is not among the question's " + variant.choices().size() + " choices");
            }
            if (letter.equals(variant.userAnswer())) {
                throw new BadLine("(" + letter + ") is both " + MATCHING + " and " + NOT_MATCHING);
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

    /** Every field but the three read above, as text (strings as they are, other values as compact JSON). */
    private static Map<String, String> metadata(JsonNode root) {
        Map<String, String> metadata = new TreeMap<>();
        root.fields().forEachRemaining(e -> {
            if (!e.getKey().equals(QUESTION) && !e.getKey().equals(MATCHING) && !e.getKey().equals(NOT_MATCHING)) {
                metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        return metadata;
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

}
