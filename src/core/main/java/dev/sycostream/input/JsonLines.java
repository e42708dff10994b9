package dev.sycostream.input;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sycostream.json.Json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decoding one line of a JSONL file, shared by the dataset readers: strict UTF-8 (a byte-order mark is allowed on
 * the first line), then exactly one JSON object per line. Each failure has a reason a person can act on, so the
 * line can be rejected on its own.
 */
public final class JsonLines {
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Strict JSON: no trailing content after the object, no duplicate keys. */
    private static final ObjectReader JSON = Json.STRICT;

    private JsonLines() {
    }

    /** Why a line is not a JSON object; the message is the reason. */
    public static final class BadJsonLine extends Exception {
        BadJsonLine(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Bytes that are not UTF-8, at index {@code byteOffset} of the array being decoded. */
    public static final class InvalidUtf8 extends CharacterCodingException {
        public final int byteOffset;

        InvalidUtf8(int byteOffset) {
            this.byteOffset = byteOffset;
        }

        @Override
        public String getMessage() {
            return "invalid UTF-8 at byte " + byteOffset;
        }
    }

    /** The JSON object on this line ({@code firstLine}: a leading byte-order mark is skipped). */
    public static JsonNode parseObject(byte[] line, boolean firstLine) throws BadJsonLine {
        int skip = firstLine && startsWithBom(line) ? UTF8_BOM.length : 0;
        String text;
        try {
            text = decodeUtf8(line, skip);
        } catch (InvalidUtf8 e) {
            throw new BadJsonLine(e.getMessage());
        }
        if (text.isBlank()) {
            throw new BadJsonLine("empty line");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new BadJsonLine("invalid JSON at column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadJsonLine("not a JSON object");
        }
        return root;
    }

    /** Strict UTF-8 decoding of {@code bytes} from {@code offset}: malformed input is an error, never replaced. */
    public static String decodeUtf8(byte[] bytes, int offset) throws InvalidUtf8 {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        CharBuffer out = CharBuffer.allocate(bytes.length - offset);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new InvalidUtf8(in.position());
        }
        return out.flip().toString();
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= UTF8_BOM.length && bytes[0] == UTF8_BOM[0] && bytes[1] == UTF8_BOM[1]
                && bytes[2] == UTF8_BOM[2];
    }
}
