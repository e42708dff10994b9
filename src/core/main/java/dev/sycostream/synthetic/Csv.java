package dev.sycostream.synthetic;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 4180 CSV records, read by jackson-dataformat-csv: fields separated by ',', records by CRLF or LF; a field
 * that starts with '"' is quoted and may then hold commas, line breaks and doubled quotes ({@code ""} for one
 * {@code "}).
 *
 * <p>Jackson's streaming reader ({@link MappingIterator} over rows) finds the records and their fields; the line a
 * record starts on is where Jackson's parser stands before reading it ({@link JsonLocation#getLineNr()}). Every
 * malformed record comes back with its line and text, rejected on its own while the rest of the file is still
 * read: it is cut at the end of the physical line of its first offence and, since a Jackson parser cannot go on
 * after an error, a new reader starts on the line after. What Jackson reads is checked by writing the fields back,
 * because Jackson lets through what RFC 4180 does not (a quote inside an unquoted field, a space after a closing
 * quote); a lone CR (not followed by LF) is an ordinary character here, not a line break. A malformed record's
 * reason names its first offence and its line, found by walking that record's fields ({@link CsvOffence}).
 * Never throws on content.
 */
final class Csv {
    private static final ObjectReader ROWS = new CsvMapper().readerFor(String[].class)
            .with(CsvParser.Feature.WRAP_AS_ARRAY);
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
        Lines lines = new Lines(text.startsWith("\uFEFF") ? text.substring(1) : text);
        String masked = maskLoneCr(lines.text);
        List<Record> records = new ArrayList<>();
        int from = 1;
        while (from <= lines.count()) {
            from = readFrom(masked, lines, from, records);
        }
        return records;
    }

    /**
     * Reads records with a Jackson reader that starts on line {@code from}, until the end of the text or the first
     * malformed record.
     *
     * @return the line to go on from: after the malformed record, or past the last line
     */
    private static int readFrom(String masked, Lines lines, int from, List<Record> records) {
        StringReader in = new StringReader(masked);
        try (MappingIterator<String[]> rows = ROWS.readValues(skip(in, lines.start(from)))) {
            while (true) {
                // Jackson's lines count from 1 where this reader started
                int line = from - 1 + rows.getCurrentLocation().getLineNr();
                String[] fields;
                try {
                    if (!rows.hasNextValue()) {
                        return lines.count() + 1;
                    }
                    fields = rows.nextValue();
                } catch (JsonProcessingException | RuntimeJsonMappingException e) {
                    JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
                    int errorLine = at == null ? line : Math.min(from - 1 + at.getLineNr(), lines.count());
                    return malformed(lines, line, Math.max(line, errorLine), jacksonMessage(e), records);
                }
                Record r = record(lines, line, fields);
                if (r == null) {
                    // Jackson let through what RFC 4180 does not allow
                    return malformed(lines, line, line + lineBreaks(fields), "not RFC 4180", records);
                }
                records.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    /** A record Jackson read, or null when its fields written back are not its text. */
    private static Record record(Lines lines, int line, String[] fields) {
        if (fields.length == 0) { // an empty line
            return new Record(line, List.of(""), "", null);
        }
        String raw = lines.record(line, line + lineBreaks(fields));
        if (!rendersAs(fields, maskLoneCr(raw))) {
            return null;
        }
        List<String> values = new ArrayList<>(Arrays.asList(fields));
        values.replaceAll(f -> f.replace(LONE_CR, '\r'));
        return new Record(line, values, raw, null);
    }

    /** Line breaks inside a record Jackson read: only a quoted field holds one, so they are all in its fields. */
    private static int lineBreaks(String[] fields) {
        int n = 0;
        for (String f : fields) {
            n += (int) f.chars().filter(c -> c == '\n').count();
        }
        return n;
    }

    /** Whether the fields written back (quoted where the text quotes them) are exactly the text. */
    private static boolean rendersAs(String[] fields, String text) {
        int i = 0;
        for (int k = 0; k < fields.length; k++) {
            String f = fields[k];
            boolean quoted = i < text.length() && text.charAt(i) == '"';
            String written = quoted ? '"' + f.replace("\"", "\"\"") + '"' : f;
            if (!text.startsWith(written, i) || (!quoted && f.indexOf('"') >= 0)) {
                return false;
            }
            i += written.length();
            if (k < fields.length - 1) {
                if (i >= text.length() || text.charAt(i) != ',') {
                    return false;
                }
                i++;
            }
        }
        return i == text.length();
    }

    /**
     * Adds the malformed record starting on {@code line} whose reading failed by line {@code last}: cut at the end
     * of the line of its first offence.
     *
     * @return the line after the cut, where reading goes on
     */
    private static int malformed(Lines lines, int line, int last, String jacksonMessage, List<Record> records) {
        String text = lines.record(line, last);
        CsvOffence offence = CsvOffence.first(text, line);
        int cut = offence == null ? line : line + offence.lineIndex();
        String reason = offence == null ? "malformed record: " + jacksonMessage : offence.reason();
        String raw = lines.record(line, cut);
        if (cut == lines.count() && !lines.text.endsWith("\n") && raw.endsWith("\r")) {
            // a CR that ends the text is not part of a malformed record (as if a LF had followed it)
            raw = raw.substring(0, raw.length() - 1);
        }
        records.add(new Record(line, List.of(), raw, reason));
        return cut + 1;
    }

    private static String jacksonMessage(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static StringReader skip(StringReader in, int chars) throws IOException {
        long skipped = in.skip(chars); // a StringReader skips all at once
        if (skipped != chars) {
            throw new IllegalStateException("skipped " + skipped + " of " + chars + " characters");
        }
        return in;
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

    /** The physical lines of a text (ended by LF; a final LF ends the last line, it starts none). */
    private static final class Lines {
        final String text;
        /** Where each line starts; one more entry, the text's length, after the last. */
        private final int[] starts;

        Lines(String text) {
            this.text = text;
            List<Integer> s = new ArrayList<>();
            for (int at = 0; at < text.length(); ) {
                s.add(at);
                int lf = text.indexOf('\n', at);
                at = lf < 0 ? text.length() : lf + 1;
            }
            s.add(text.length());
            starts = s.stream().mapToInt(Integer::intValue).toArray();
        }

        int count() {
            return starts.length - 1;
        }

        int start(int line) {
            return starts[line - 1];
        }

        /** Lines {@code first} to {@code last} as in the text, without the last one's terminator (LF or CRLF). */
        String record(int first, int last) {
            int end = starts[last];
            if (end > 0 && text.charAt(end - 1) == '\n') {
                end--;
                if (end > starts[first - 1] && text.charAt(end - 1) == '\r') {
                    end--;
                }
            }
            return text.substring(starts[first - 1], end);
        }
    }
}
