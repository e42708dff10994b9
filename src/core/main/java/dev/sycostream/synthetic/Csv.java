package dev.sycostream.synthetic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV records, read by jackson-dataformat-csv: fields separated by ',', records by CRLF or LF; a field
 * that starts with '"' is quoted and may then hold commas, line breaks and doubled quotes ({@code ""} for one
 * {@code "}).
 *
 * <p>Every malformed record must come back with its own line number and text, so that it is rejected on its own
 * while the rest of the file is still read; a Jackson parser cannot go on after an error. So each record is read
 * by a parser of its own: the record is the physical lines from where the last one ended until its quotes balance,
 * and after an error reading resumes on the physical line after the error. What Jackson reads is checked by
 * writing the fields back, because Jackson lets through what RFC 4180 does not (a quote inside an unquoted field,
 * a space after a closing quote); a lone CR (not followed by LF) is an ordinary character here, not a line break.
 * A malformed record's reason names its first offence and its line, found by walking the record's fields.
 * Never throws on content.
 */
final class Csv {
    private static final CsvMapper MAPPER = new CsvMapper();
    /** Stands for a lone CR while Jackson reads: an unpaired surrogate, which text decoded from bytes never holds. */
    private static final char LONE_CR = '\uDFFF';

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

    private Csv() {
    }

    /** All records of a text, in order; a final line terminator does not start an empty record. */
    static List<Record> parse(String text) {
        // a UTF-8 byte order mark is not part of the first column's name
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<Record> records = new ArrayList<>();
        int pos = 0;
        int line = 1;
        while (pos < t.length()) {
            int end = recordEnd(t, pos);
            // the record's text without its terminator: a CR is part of it only when no LF follows
            boolean crlf = end < t.length() && end > pos && t.charAt(end - 1) == '\r';
            Record r = record(t.substring(pos, crlf ? end - 1 : end), line, end == t.length());
            records.add(r);
            // the record's text is the file's from pos on; reading goes on after the line it (or its error) ends on
            int nl = t.indexOf('\n', pos + r.raw().length());
            int next = nl < 0 ? t.length() : nl + 1;
            line += lineBreaks(t.substring(pos, next), next - pos);
            pos = next;
        }
        return records;
    }

    /** Where the record starting at {@code from} ends: the first LF outside quotes, or the end of the text. */
    private static int recordEnd(String t, int from) {
        boolean quoted = false;
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\n' && !quoted) {
                return i;
            }
        }
        return t.length();
    }

    /** One record's text (its physical lines, without the final terminator), read by Jackson and checked. */
    private static Record record(String raw, int line, boolean eof) {
        if (raw.isEmpty()) {
            return new Record(line, List.of(""), raw, null);
        }
        String masked = maskLoneCr(raw);
        List<String> fields = new ArrayList<>();
        try (CsvParser p = (CsvParser) MAPPER.getFactory().createParser(masked)) {
            p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            for (JsonToken tok = p.nextToken(); tok != null && tok != JsonToken.END_ARRAY; tok = p.nextToken()) {
                if (tok == JsonToken.VALUE_STRING) {
                    fields.add(p.getText());
                }
            }
        } catch (JsonProcessingException e) {
            return malformed(raw, line, eof, e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        if (!rendersAs(fields, masked)) { // Jackson let through what RFC 4180 does not allow
            return malformed(raw, line, eof, "not RFC 4180");
        }
        fields.replaceAll(f -> f.replace(LONE_CR, '\r'));
        return new Record(line, fields, raw, null);
    }

    /** Whether the fields written back (quoted where the text quotes them) are exactly the text. */
    private static boolean rendersAs(List<String> fields, String text) {
        int i = 0;
        for (int k = 0; k < fields.size(); k++) {
            String f = fields.get(k);
            boolean quoted = i < text.length() && text.charAt(i) == '"';
            String written = quoted ? '"' + f.replace("\"", "\"\"") + '"' : f;
            if (!text.startsWith(written, i) || (!quoted && f.indexOf('"') >= 0)) {
                return false;
            }
            i += written.length();
            if (k < fields.size() - 1) {
                if (i >= text.length() || text.charAt(i) != ',') {
                    return false;
                }
                i++;
            }
        }
        return i == text.length();
    }

    /** A record that is not RFC 4180: the first offence in it, found by walking its fields as the RFC does. */
    private static Record malformed(String raw, int line, boolean eof, String jacksonMessage) {
        boolean quoted = false;
        boolean fieldStart = true;
        int open = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < raw.length() && raw.charAt(i + 1) == '"') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                    int next = i + 1;
                    if (next < raw.length() && !separator(raw, next)) {
                        int lines = lineBreaks(raw, next);
                        return error(raw, line, eof, lines, "unexpected character '" + raw.charAt(next)
                                + "' after a closing quote on line " + (line + lines)
                                + " (a quote inside a quoted field must be doubled)");
                    }
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
                open = i;
            } else if (c == '"') {
                int lines = lineBreaks(raw, i);
                return error(raw, line, eof, lines, "quote inside an unquoted field on line " + (line + lines)
                        + " (quote the whole field and double the quote)");
            }
            fieldStart = !quoted && (c == ',' || c == '\n');
        }
        if (quoted) {
            return error(raw, line, eof, lineBreaks(raw, raw.length()),
                    "quoted field opened on line " + (line + lineBreaks(raw, open)) + " is never closed");
        }
        return error(raw, line, eof, 0, "malformed record: " + jacksonMessage);
    }

    /** At ',', LF, or CRLF. */
    private static boolean separator(String s, int i) {
        char c = s.charAt(i);
        return c == ',' || c == '\n' || (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n');
    }

    /**
     * A malformed record: its text up to the end of the physical line with the error (the {@code lines}-th after
     * its first), where reading resumes.
     */
    private static Record error(String raw, int line, boolean eof, int lines, String error) {
        int end = -1;
        for (int n = 0; n <= lines; n++) {
            end = raw.indexOf('\n', end + 1);
            if (end < 0) {
                break;
            }
        }
        String text = end < 0 ? raw : raw.substring(0, end);
        if ((end >= 0 || eof) && !text.isEmpty() && text.charAt(text.length() - 1) == '\r') { // CRLF, or a CR at the end
            text = text.substring(0, text.length() - 1);
        }
        return new Record(line, List.of(), text, error);
    }

    private static int lineBreaks(String s, int before) {
        return (int) s.substring(0, before).chars().filter(c -> c == '\n').count();
    }

    private static String maskLoneCr(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean crlf = c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n';
            b.append(c == '\r' && !crlf ? LONE_CR : c);
        }
        return b.toString();
    }
}
