package dev.sycostream.synthetic;

/**
 * The first place a CSV record breaks RFC 4180, found by walking its fields as the RFC does; it names what is wrong
 * and on which line, which Jackson's own messages do not (and Jackson lets some of these through).
 *
 * @param lineIndex the offence's line, counted from the record's first (0)
 * @param reason    what is wrong, with the file's line number
 */
record CsvOffence(int lineIndex, String reason) {

    /**
     * @param raw  the record's text (its physical lines)
     * @param line the file line the record starts on
     * @return the first offence, or null when the walk finds none
     */
    static CsvOffence first(String raw, int line) {
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
                        return new CsvOffence(lines, "unexpected character '" + raw.charAt(next)
                                + "' after a closing quote on line " + (line + lines)
                                + " (a quote inside a quoted field must be doubled)");
                    }
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
                open = i;
            } else if (c == '"') {
                int lines = lineBreaks(raw, i);
                return new CsvOffence(lines, "quote inside an unquoted field on line " + (line + lines)
                        + " (quote the whole field and double the quote)");
            }
            fieldStart = !quoted && (c == ',' || c == '\n');
        }
        if (quoted) {
            return new CsvOffence(lineBreaks(raw, raw.length()),
                    "quoted field opened on line " + (line + lineBreaks(raw, open)) + " is never closed");
        }
        return null;
    }

    /** At ',', LF, or CRLF. */
    private static boolean separator(String s, int i) {
        char c = s.charAt(i);
        return c == ',' || c == '\n' || (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n');
    }

    private static int lineBreaks(String s, int before) {
        return (int) s.substring(0, before).chars().filter(c -> c == '\n').count();
    }
}
