package dev.sycostream.synthetic;

import dev.sycostream.input.JsonLines;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.input.Rejected;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads a labelled classification dataset into {@link ClassificationRow}s: JSON Lines (one object per line) or CSV
 * with a header row (RFC 4180, see {@link Csv}).
 *
 * <p>Text fields are taken in the {@link LabelMap}'s order, not the file's, so that premise always comes before
 * hypothesis whatever order an export wrote the keys in. Nothing is dropped silently: an empty line, malformed
 * JSON or CSV, a missing or non-string text field, an empty text, a non-integer label, or a label outside the
 * map's range (snli marks unlabelled pairs with -1) becomes a {@link Rejected} with "file:line", the reason and the
 * original bytes. Only an unreadable file throws (and a CSV that is not UTF-8: its records may span lines, so it
 * cannot be cut into independently decodable pieces).
 */
public final class ClassificationReader {
    /** The supported file formats. */
    public enum Format {
        JSONL, CSV;

        /** From the file name: .csv is CSV; .jsonl, .ndjson and .json are JSON Lines. */
        public static Format of(Path file) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                return JSONL;
            }
            throw new IllegalArgumentException("cannot tell the format of " + file
                    + ": expected a .jsonl/.ndjson/.json (JSON Lines) or .csv (with a header row) file");
        }
    }

    /** The rows read, in file order, and the rejected lines/records, in file order. */
    public record Result(List<ClassificationRow> rows, List<Rejected> rejected) {
        public Result {
            rows = List.copyOf(rows);
            rejected = List.copyOf(rejected);
        }
    }

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private ClassificationReader() {
    }

    /** Reads a file, its format chosen by {@link Format#of}; sources are {@code "<file>:<line>"}. */
    public static Result read(Path file, LabelMap map) throws IOException {
        Format format = Format.of(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), format, map);
        }
    }

    /** Reads a stream (not closed here); sources are {@code "<sourceName>:<line>"}. */
    public static Result read(InputStream in, String sourceName, Format format, LabelMap map) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(map, "map");
        byte[] bytes = in.readAllBytes();
        return switch (Objects.requireNonNull(format, "format")) {
            case JSONL -> readJsonl(bytes, sourceName, map);
            case CSV -> readCsv(bytes, sourceName, map);
        };
    }

    /** Why a row was rejected. */
    private static final class BadRow extends Exception {
        BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    // ---------------------------------------------------------------- JSON Lines

    private static Result readJsonl(byte[] bytes, String sourceName, LabelMap map) {
        List<ClassificationRow> rows = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start < bytes.length) {
            int nl = indexOf(bytes, (byte) '\n', start);
            int end = nl < 0 ? bytes.length : nl;
            int contentEnd = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            lineNumber++;
            byte[] original = Arrays.copyOfRange(bytes, start, contentEnd);
            String source = sourceName + ":" + lineNumber;
            try {
                rows.add(jsonRow(original, lineNumber == 1, source, map));
            } catch (BadRow e) {
                rejected.add(new Rejected(source, "line " + lineNumber + ": " + e.getMessage(), original));
            }
            start = end + 1;
        }
        return new Result(rows, rejected);
    }

    private static ClassificationRow jsonRow(byte[] original, boolean firstLine, String source, LabelMap map)
            throws BadRow {
        JsonNode root;
        try {
            root = JsonLines.parseObject(original, firstLine);
        } catch (JsonLines.BadJsonLine e) {
            throw new BadRow(e.getMessage());
        }
        List<String> texts = new ArrayList<>();
        for (String field : map.textFields()) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                throw new BadRow("missing field " + field + " (fields present: " + fieldNames(root) + ")");
            }
            if (!node.isTextual()) {
                throw new BadRow("field " + field + " must be a string, got " + kind(node));
            }
            texts.add(requireNonBlank(field, node.textValue()));
        }
        JsonNode label = root.get(map.labelField());
        if (label == null || label.isNull()) {
            throw new BadRow("missing field " + map.labelField() + " (fields present: " + fieldNames(root) + ")");
        }
        if (!label.isIntegralNumber()) {
            // strict: a string label in JSON usually means a label-name column, not the integer we map
            throw new BadRow("field " + map.labelField() + " must be an integer, got " + kind(label) + " " + label);
        }
        if (!label.canConvertToInt() || !map.isInRange(label.intValue())) {
            throw new BadRow(map.outOfRange(label.asText()));
        }
        return new ClassificationRow(source, texts, label.intValue());
    }

    private static String fieldNames(JsonNode root) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = root.fieldNames();
        it.forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- CSV

    private static Result readCsv(byte[] bytes, String sourceName, LabelMap map) throws IOException {
        // Decoded leniently so that one record with bytes that are not UTF-8 is rejected on its own: a malformed
        // sequence becomes U+FFFD and never swallows the ASCII quote, comma or newline after it, so the records'
        // boundaries are those of the file; each record's own bytes are then checked strictly below.
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        LineBytes lines = new LineBytes(bytes);
        List<Csv.Record> records = Csv.parse(text);
        List<ClassificationRow> rows = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        if (records.isEmpty()) {
            return new Result(rows, rejected);
        }
        Csv.Record header = records.get(0);
        String headerUtf8Error = lines.utf8Error(header);
        if (headerUtf8Error != null) {
            throw new IOException(sourceName + ":" + header.line() + ": the CSV header is not UTF-8 (" + headerUtf8Error
                    + "); a CSV file must be UTF-8");
        }
        if (header.error() != null) {
            throw new IllegalArgumentException(sourceName + ":" + header.line() + ": cannot read the CSV header: "
                    + header.error());
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip();
            if (columns.put(name, i) != null) {
                throw new IllegalArgumentException(sourceName + ":" + header.line() + ": column '" + name
                        + "' appears twice in the CSV header");
            }
        }
        for (Csv.Record record : records.subList(1, records.size())) {
            String source = sourceName + ":" + record.line();
            try {
                String utf8Error = lines.utf8Error(record);
                if (utf8Error != null) {
                    throw new BadRow(utf8Error);
                }
                rows.add(csvRow(record, header.fields(), columns, source, map));
            } catch (BadRow e) {
                rejected.add(new Rejected(source, "line " + record.line() + ": " + e.getMessage(), lines.of(record)));
            }
        }
        return new Result(rows, rejected);
    }

    /** The file's bytes by physical line, to give each CSV record its original bytes. */
    private static final class LineBytes {
        private final byte[] bytes;
        /** Byte offset where each physical line starts; index 0 = line 1. */
        private final List<Integer> starts = new ArrayList<>();

        LineBytes(byte[] bytes) {
            this.bytes = bytes;
            starts.add(0);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    starts.add(i + 1);
                }
            }
        }

        /** The record's bytes as in the file: its physical lines, without the final line terminator. */
        byte[] of(Csv.Record record) {
            int first = record.line() - 1;
            int last = first + (int) record.raw().chars().filter(c -> c == '\n').count();
            int from = first < starts.size() ? starts.get(first) : bytes.length;
            int to = last + 1 < starts.size() ? starts.get(last + 1) - 1 : bytes.length;
            if (to > from && bytes[to - 1] == '\r') {
                to--;
            }
            if (first == 0 && to - from >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
                from += 3; // the byte-order mark belongs to the file, not to the header
            }
            return Arrays.copyOfRange(bytes, from, Math.max(from, to));
        }

        /** Why the record's bytes are not UTF-8, or null when they are. */
        String utf8Error(Csv.Record record) {
            try {
                JsonLines.decodeUtf8(of(record), 0);
                return null;
            } catch (JsonLines.InvalidUtf8 e) {
                return "invalid UTF-8 at byte " + e.byteOffset + " of the record";
            }
        }
    }

    private static ClassificationRow csvRow(Csv.Record record, List<String> header, Map<String, Integer> columns,
                                            String source, LabelMap map) throws BadRow {
        if (record.error() != null) {
            throw new BadRow("malformed CSV: " + record.error());
        }
        if (record.isBlank()) {
            throw new BadRow("empty line");
        }
        if (record.fields().size() != header.size()) {
            throw new BadRow("record has " + record.fields().size() + " fields but the header has " + header.size());
        }
        List<String> texts = new ArrayList<>();
        for (String field : map.textFields()) {
            texts.add(requireNonBlank(field, column(record, columns, field)));
        }
        String label = column(record, columns, map.labelField()).strip();
        if (!INTEGER.matcher(label).matches()) {
            throw new BadRow("field " + map.labelField() + " must be an integer, got '" + label + "'");
        }
        int value;
        try {
            value = Integer.parseInt(label);
        } catch (NumberFormatException e) { // more digits than an int holds
            throw new BadRow(map.outOfRange(label));
        }
        if (!map.isInRange(value)) {
            throw new BadRow(map.outOfRange(label));
        }
        return new ClassificationRow(source, texts, value);
    }

    private static String column(Csv.Record record, Map<String, Integer> columns, String field) throws BadRow {
        Integer index = columns.get(field);
        if (index == null) {
            throw new BadRow("missing field " + field + " (CSV columns: " + String.join(", ", columns.keySet().stream()
                    .sorted((a, b) -> Integer.compare(columns.get(a), columns.get(b))).toList()) + ")");
        }
        return record.fields().get(index);
    }

    // ---------------------------------------------------------------- shared

    private static String requireNonBlank(String field, String value) throws BadRow {
        if (InputText.format(List.of(value)).equals("\"\"")) {
            // nothing left after the claim's cleaning: the claim would be about an empty input
            throw new BadRow("field " + field + " is empty");
        }
        return value;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
