package dev.sycostream.deadletter;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.input.JsonLines;

import java.time.Instant;
import java.util.HexFormat;

/** Dead letters as text for people: one line each for listings, every field for {@code show}. */
public final class DeadLetterFormatter {
    /** Reasons are cut to this in listings; {@code show} prints them whole. */
    static final int REASON_IN_LIST = 100;

    private DeadLetterFormatter() {
    }

    public static String header() {
        return String.format("%-8s %-24s %-24s %-40s %s", "OFFSET", "FAILED AT", "STAGE", "SOURCE", "REASON");
    }

    /** One line: offset, time, stage, source, the reason (shortened) and the size of the original value. */
    public static String line(StoredDeadLetter s) {
        if (s.letter() == null) {
            return String.format("%-8d %-24s %-24s %-40s %s", s.offset(), "-", "-", "-", s.readError());
        }
        DeadLetter l = s.letter();
        byte[] value = s.originalValue();
        return String.format("%-8d %-24s %-24s %-40s %s (%s)", s.offset(), Instant.ofEpochMilli(l.getFailedAtMs()),
                l.getStage(), l.getSource(), oneLine(shorten(l.getReason(), REASON_IN_LIST)),
                value == null ? "no value" : value.length + " bytes");
    }

    /** Every field; the original key and value as text when they are UTF-8 text, else as hex, up to {@code maxBytes}. */
    public static String details(StoredDeadLetter s, int maxBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append("offset:      ").append(s.partition()).append('/').append(s.offset()).append('\n');
        if (s.letter() == null) {
            return sb.append("unreadable:  ").append(s.readError()).append('\n').toString();
        }
        DeadLetter l = s.letter();
        sb.append("failed at:   ").append(Instant.ofEpochMilli(l.getFailedAtMs())).append('\n');
        sb.append("stage:       ").append(l.getStage()).append('\n');
        sb.append("source:      ").append(l.getSource()).append('\n');
        sb.append("reason:      ").append(l.getReason()).append('\n');
        sb.append("error class: ").append(l.getErrorClass() == null ? "-" : l.getErrorClass()).append('\n');
        sb.append("replayable:  ").append(s.kafkaSource().map(k -> "yes, to " + k.topic() + "/" + k.partition())
                .orElse("no (not read from a Kafka topic)")).append('\n');
        sb.append("key:         ").append(preview(s.originalKey(), maxBytes)).append('\n');
        sb.append("value:       ").append(preview(s.originalValue(), maxBytes)).append('\n');
        if (l.getOriginalValueLength() != null) {
            sb.append("value cut:   only the first ").append(s.originalValue().length).append(" of ")
                    .append(l.getOriginalValueLength()).append(" bytes were kept\n");
        }
        return sb.toString();
    }

    /** "(none)", the text in quotes when the bytes are UTF-8 without control characters, else hex; cut at max. */
    public static String preview(byte[] bytes, int maxBytes) {
        if (bytes == null) {
            return "(none)";
        }
        int shown = Math.min(bytes.length, Math.max(0, maxBytes));
        String more = shown < bytes.length ? " ... (" + bytes.length + " bytes, first " + shown + " shown)" : " (" + bytes.length + " bytes)";
        byte[] head = java.util.Arrays.copyOf(bytes, shown);
        try {
            String text = JsonLines.decodeUtf8(head, 0);
            if (text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t')) {
                return '"' + text + '"' + more;
            }
        } catch (JsonLines.InvalidUtf8 e) {
            // not text (or cut inside a character): hex below
        }
        return "hex " + HexFormat.of().formatHex(head) + more;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
