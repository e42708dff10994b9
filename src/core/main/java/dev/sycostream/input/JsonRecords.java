package dev.sycostream.input;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.json.Json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON objects of a dataset file in either shape people publish: JSON Lines (one object per line, as the
 * Perez et al. files) or one JSON array of objects (as other sycophancy repositories ship them). The shape is
 * decided by the first non-blank character: {@code [} is an array, anything else is JSON Lines.
 *
 * <p>Every element comes back, good or bad, with its line: a bad line or element has its reason and its original
 * bytes, so the caller can dead-letter it. An array that is broken part-way gives one bad record holding the
 * unread rest of the file (nothing after a syntax error can be trusted to be where it seems).
 */
public final class JsonRecords {
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One object of the file, or the reason it is not one. */
    public record JsonRecord(int line, JsonNode object, String error, byte[] original) {
        public boolean ok() {
            return object != null;
        }
    }

    private JsonRecords() {
    }

    /** True if the file is a JSON array (its first non-blank character, after a byte-order mark, is '['). */
    public static boolean isArray(byte[] file) {
        int i = startsWithBom(file) ? UTF8_BOM.length : 0;
        while (i < file.length && isBlank(file[i])) {
            i++;
        }
        return i < file.length && file[i] == '[';
    }

    /** The records of a whole file; lines over {@code maxLineBytes} are rejected (JSON Lines only). */
    public static List<JsonRecord> read(byte[] file, int maxLineBytes) {
        return isArray(file) ? readArray(file) : readLines(file, maxLineBytes);
    }

    private static List<JsonRecord> readLines(byte[] file, int maxLineBytes) {
        List<JsonRecord> out = new ArrayList<>();
        LineSplitter lines = new LineSplitter(new ByteArrayInputStream(file), maxLineBytes);
        try {
            for (LineSplitter.RawLine line = lines.next(); line != null; line = lines.next()) {
                if (line.tooLong(maxLineBytes)) {
                    out.add(new JsonRecord(line.number(), null, "line is " + line.length() + " bytes, over the limit of "
                            + maxLineBytes + " (only the first " + maxLineBytes + " bytes are kept)", line.bytes()));
                    continue;
                }
                try {
                    out.add(new JsonRecord(line.number(), JsonLines.parseObject(line.bytes(), line.number() == 1), null,
                            line.bytes()));
                } catch (JsonLines.BadJsonLine e) {
                    out.add(new JsonRecord(line.number(), null, e.getMessage(), line.bytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot split an in-memory file into lines", e); // a byte array never fails
        }
        return out;
    }

    private static List<JsonRecord> readArray(byte[] file) {
        int skip = startsWithBom(file) ? UTF8_BOM.length : 0;
        String text;
        try {
            text = JsonLines.decodeUtf8(file, skip);
        } catch (JsonLines.InvalidUtf8 e) {
            return List.of(new JsonRecord(1, null, "the JSON array is not valid UTF-8: " + e.getMessage(), file));
        }
        List<JsonRecord> out = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            parser.nextToken(); // START_ARRAY, checked by isArray
            int elementLine = 1;
            long elementStart = parser.currentTokenLocation().getCharOffset() + 1;
            try {
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == null) {
                        throw new IllegalStateException("the array is not closed with ']'");
                    }
                    elementLine = parser.currentTokenLocation().getLineNr();
                    elementStart = parser.currentTokenLocation().getCharOffset();
                    JsonNode node = parser.readValueAsTree();
                    long end = parser.currentLocation().getCharOffset();
                    byte[] original = text.substring((int) elementStart, (int) Math.min(end, text.length()))
                            .getBytes(StandardCharsets.UTF_8);
                    if (node == null || !node.isObject()) {
                        out.add(new JsonRecord(elementLine, null, "array element is not a JSON object", original));
                    } else {
                        out.add(new JsonRecord(elementLine, node, null, original));
                    }
                }
                if (parser.nextToken() != null) {
                    int line = parser.currentTokenLocation().getLineNr();
                    out.add(new JsonRecord(line, null, "unexpected content after the closing ']' at line " + line,
                            restBytes(text, parser.currentTokenLocation().getCharOffset())));
                }
            } catch (JacksonException | IllegalStateException e) {
                String why = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
                int line = e instanceof JacksonException je && je.getLocation() != null
                        ? je.getLocation().getLineNr() : elementLine;
                out.add(new JsonRecord(line, null, "invalid JSON array at line " + line + ": " + why
                        + "; the rest of the file from the element at line " + elementLine + " is kept as one rejected record",
                        restBytes(text, elementStart)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse an in-memory JSON array", e);
        }
        return out;
    }

    private static byte[] restBytes(String text, long from) {
        int at = from < 0 || from > text.length() ? 0 : (int) from;
        return text.substring(at).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= UTF8_BOM.length && Arrays.equals(bytes, 0, UTF8_BOM.length, UTF8_BOM, 0, UTF8_BOM.length);
    }
}
