package dev.sycostream.synthetic;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 CSV parser: fields separated by ',', records by CRLF or LF; a field that starts with '"' is
 * quoted and may then hold commas, line breaks and doubled quotes ({@code ""} for one {@code "}).
 *
 * <p>Written here rather than adding jackson-dataformat-csv because the whole need is this one loop, and every
 * malformed record must come back with its own line number and text so it can be rejected on its own while the
 * rest of the file is still read. The parser never throws on content.
 */
final class Csv {
    /**
     * One record.
     *
     * @param line   1-based physical line the record starts on
     * @param fields the field values (empty if {@code error} is set)
     * @param raw    the record's text as in the file, without its line terminator
     * @param error  why the record is malformed, or null
     */
    record Record(int line, List<String> fields, String raw, String error) {
        boolean isBlank() {
            return error == null && raw.isEmpty();
        }
    }

    private final String text;
    private int pos;
    private int line = 1;

    private Csv(String text) {
        // a UTF-8 byte order mark is not part of the first column's name
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** All records of a text, in order; a final line terminator does not start an empty record. */
    static List<Record> parse(String text) {
        Csv csv = new Csv(text);
        List<Record> records = new ArrayList<>();
        while (csv.pos < csv.text.length()) {
            records.add(csv.record());
        }
        return records;
    }

    private Record record() {
        int start = pos;
        int startLine = line;
        List<String> fields = new ArrayList<>();
        while (true) {
            String error;
            StringBuilder field = new StringBuilder();
            if (peek() == '"') {
                error = quoted(field, startLine);
            } else {
                error = unquoted(field);
            }
            if (error != null) {
                return new Record(startLine, List.of(), skipRestOfLine(start), error);
            }
            fields.add(field.toString());
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            int end = pos;
            endOfLine();
            return new Record(startLine, fields, text.substring(start, end), null);
        }
    }

    private String quoted(StringBuilder field, int startLine) {
        int openLine = line;
        pos++; // the opening quote
        while (true) {
            if (pos >= text.length()) {
                return "quoted field opened on line " + openLine + " is never closed";
            }
            char c = text.charAt(pos);
            if (c == '"') {
                if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                    field.append('"');
                    pos += 2;
                    continue;
                }
                pos++; // the closing quote
                if (pos < text.length() && !atSeparator()) {
                    return "unexpected character '" + text.charAt(pos) + "' after a closing quote on line " + line
                            + " (a quote inside a quoted field must be doubled)";
                }
                return null;
            }
            if (c == '\n') {
                line++;
            }
            field.append(c);
            pos++;
        }
    }

    private String unquoted(StringBuilder field) {
        while (pos < text.length() && !atSeparator()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return "quote inside an unquoted field on line " + line + " (quote the whole field and double the quote)";
            }
            field.append(c);
            pos++;
        }
        return null;
    }

    /** At ',', LF, or CRLF. */
    private boolean atSeparator() {
        char c = text.charAt(pos);
        return c == ',' || c == '\n' || (c == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n');
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    /** Consumes an LF or CRLF if there is one. */
    private void endOfLine() {
        if (pos < text.length() && text.charAt(pos) == '\r') {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '\n') {
            pos++;
            line++;
        }
    }

    /** After an error: the record's text up to the end of the current physical line, which is consumed. */
    private String skipRestOfLine(int start) {
        int nl = text.indexOf('\n', pos);
        int end = nl < 0 ? text.length() : nl;
        String raw = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
        pos = end;
        endOfLine();
        return raw;
    }
}
