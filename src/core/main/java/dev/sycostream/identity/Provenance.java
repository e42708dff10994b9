package dev.sycostream.identity;

import dev.sycostream.avro.DatasetItem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which dataset files stand behind each task's numbers: per task, every fingerprint its current items were read
 * from, with the item count. A file's fingerprint is {@code sha256:} and its SHA-256; a generated set's is its
 * generator and seed (the source, e.g. {@code generator:addition(seed=42)}), which reproduces it exactly.
 */
public final class Provenance {
    /** Hex digits of a file's SHA-256 shown to people (the full digest is in every item). */
    public static final int SHORT_HEX = 12;

    /**
     * One file (or generator) behind a task.
     *
     * @param fingerprint {@code sha256:<64 hex>} or the generator source
     * @param source      where it was read from: the file as given at ingest (of its first item), or the generator
     * @param items       how many of the task's current items came from it
     */
    public record TaskSource(String task, String fingerprint, String source, long items) {
        /** The fingerprint for people: a file's first {@value #SHORT_HEX} hex digits, a generator in full. */
        public String shortFingerprint() {
            return fingerprint.startsWith("sha256:") ? fingerprint.substring(0, "sha256:".length() + SHORT_HEX) : fingerprint;
        }
    }

    private Provenance() {
    }

    /** The fingerprint of the source an item was read from. */
    public static String fingerprint(DatasetItem item) {
        return item.getSourceSha256() != null ? "sha256:" + item.getSourceSha256() : fileOf(item.getSource());
    }

    /** Task by task (in name order), the sources of the given items, most items first. */
    public static List<TaskSource> of(Collection<DatasetItem> items) {
        Map<String, Map<String, long[]>> counts = new TreeMap<>();
        Map<String, String> sourceOf = new TreeMap<>();
        for (DatasetItem item : items) {
            String fp = fingerprint(item);
            counts.computeIfAbsent(item.getTask(), t -> new TreeMap<>()).computeIfAbsent(fp, f -> new long[1])[0]++;
            sourceOf.putIfAbsent(fp, fileOf(item.getSource()));
        }
        List<TaskSource> out = new ArrayList<>();
        counts.forEach((task, byFp) -> {
            List<TaskSource> rows = new ArrayList<>();
            byFp.forEach((fp, n) -> rows.add(new TaskSource(task, fp, sourceOf.get(fp), n[0])));
            rows.sort((a, b) -> a.items() != b.items() ? Long.compare(b.items(), a.items()) : a.fingerprint().compareTo(b.fingerprint()));
            out.addAll(rows);
        });
        return out;
    }

    /** File fingerprint (64 hex digits) to the tasks holding items read from that file. */
    public static Map<String, Set<String>> tasksByFileSha(Collection<DatasetItem> items) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (DatasetItem item : items) {
            if (item.getSourceSha256() != null) {
                out.computeIfAbsent(item.getSourceSha256(), s -> new TreeSet<>()).add(item.getTask());
            }
        }
        return out;
    }

    /** {@code path/to/file.jsonl:17} -> {@code path/to/file.jsonl}; other sources unchanged. */
    static String fileOf(String source) {
        int colon = source.lastIndexOf(':');
        if (colon > 0 && colon < source.length() - 1 && source.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            return source.substring(0, colon);
        }
        return source;
    }
}
