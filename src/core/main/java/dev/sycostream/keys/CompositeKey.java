package dev.sycostream.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * The one codec for composite keys: parts joined with {@value #SEPARATOR}, e.g. "target|task|metric|window".
 * These strings are state store keys and Kafka record keys of a running application, so the byte format
 * (plain parts, one '|' between two parts, no escaping, no prefix or suffix) is part of the upgrade contract and
 * must never change.
 *
 * <p>Because nothing is escaped, a part must not contain the separator, or the key could not be split again.
 * Every part must also be non-null and non-empty. The one exception is an <em>open tail</em>
 * ({@link #joinWithTail}, {@link #splitWithTail}): the last part is free text (item ids, a scan cursor) that may be
 * empty and may contain '|'; it stays unambiguous because a split stops before it.
 *
 * <p>Violations are {@link IllegalArgumentException}s that name the offending part and key. This package depends
 * on no other sycostream package.
 */
public final class CompositeKey {
    /** The separator between two parts. */
    public static final char SEPARATOR = '|';
    private static final String SEPARATOR_TEXT = String.valueOf(SEPARATOR);

    private CompositeKey() {
    }

    /** Joins strict parts (each non-null, non-empty, without '|'): at least one. */
    public static String join(String... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("a composite key needs at least one part");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                b.append(SEPARATOR);
            }
            b.append(checkPart(parts, i));
        }
        return b.toString();
    }

    /**
     * Joins strict leading parts and a last part that is free text: the tail may be empty and contain '|', but
     * not be null. At least two parts (a key of only a tail is just the tail).
     */
    public static String joinWithTail(String... parts) {
        if (parts == null || parts.length < 2) {
            throw new IllegalArgumentException("a composite key with an open tail needs at least two parts");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            b.append(checkPart(parts, i)).append(SEPARATOR);
        }
        String tail = parts[parts.length - 1];
        if (tail == null) {
            throw new IllegalArgumentException("the last part of composite key " + describe(parts) + " is null");
        }
        return b.append(tail).toString();
    }

    /** A prefix of keys whose first parts are these (strict) parts: "a|b|", for prefix and range scans. */
    public static String prefix(String... parts) {
        return join(parts) + SEPARATOR;
    }

    /** A suffix of keys whose last parts are these (strict) parts: "|a|b". */
    public static String suffix(String... parts) {
        return SEPARATOR + join(parts);
    }

    /**
     * Splits a key of exactly {@code count} strict parts.
     *
     * @throws IllegalArgumentException if the key is null, has another number of parts, or an empty part
     */
    public static List<String> split(String key, int count) {
        List<String> parts = splitAll(key, count);
        if (parts.size() != count) {
            throw wrongCount(key, count, parts.size());
        }
        for (int i = 0; i < count; i++) {
            if (parts.get(i).isEmpty()) {
                throw new IllegalArgumentException("part " + (i + 1) + " of composite key '" + key + "' is empty");
            }
        }
        return parts;
    }

    /**
     * Splits a key made by {@link #joinWithTail} with {@code count} parts: {@code count - 1} strict parts, then the
     * rest of the key (which may be empty or contain '|') as the last part.
     *
     * @throws IllegalArgumentException if the key is null, has fewer parts, or an empty leading part
     */
    public static List<String> splitWithTail(String key, int count) {
        if (count < 2) {
            throw new IllegalArgumentException("a composite key with an open tail has at least two parts, not " + count);
        }
        if (key == null) {
            throw new IllegalArgumentException("composite key is null");
        }
        List<String> parts = new ArrayList<>(count);
        int from = 0;
        for (int i = 0; i < count - 1; i++) {
            int at = key.indexOf(SEPARATOR, from);
            if (at < 0) {
                throw wrongCount(key, count, i + 1);
            }
            if (at == from) {
                throw new IllegalArgumentException("part " + (i + 1) + " of composite key '" + key + "' is empty");
            }
            parts.add(key.substring(from, at));
            from = at + 1;
        }
        parts.add(key.substring(from));
        return parts;
    }

    /** The first part of a key (the text before its first '|'), e.g. the task of a "task|item" key. */
    public static String first(String key) {
        if (key == null) {
            throw new IllegalArgumentException("composite key is null");
        }
        int at = key.indexOf(SEPARATOR);
        if (at <= 0) {
            throw new IllegalArgumentException(at < 0 ? "composite key '" + key + "' has no separator '|'"
                    : "part 1 of composite key '" + key + "' is empty");
        }
        return key.substring(0, at);
    }

    /** Whether a value may be a strict part: non-null, non-empty, no '|'. */
    public static boolean isValidPart(String part) {
        return part != null && !part.isEmpty() && part.indexOf(SEPARATOR) < 0;
    }

    /** Checks a single strict part and returns it. */
    public static String requireValidPart(String part, String what) {
        if (part == null) {
            throw new IllegalArgumentException(what + " is null; it must be a non-empty key part");
        }
        if (part.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty; it must be a non-empty key part");
        }
        if (part.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException(what + " '" + part + "' contains the key separator '" + SEPARATOR + "'");
        }
        return part;
    }

    private static String checkPart(String[] parts, int i) {
        String p = parts[i];
        if (p == null) {
            throw new IllegalArgumentException("part " + (i + 1) + " of composite key " + describe(parts) + " is null");
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("part " + (i + 1) + " of composite key " + describe(parts) + " is empty");
        }
        if (p.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("part " + (i + 1) + " '" + p + "' of composite key " + describe(parts)
                    + " contains the separator '" + SEPARATOR + "'");
        }
        return p;
    }

    private static List<String> splitAll(String key, int count) {
        if (key == null) {
            throw new IllegalArgumentException("composite key is null");
        }
        if (count < 1) {
            throw new IllegalArgumentException("a composite key has at least one part, not " + count);
        }
        List<String> parts = new ArrayList<>(count);
        int from = 0;
        while (true) {
            int at = key.indexOf(SEPARATOR, from);
            if (at < 0) {
                parts.add(key.substring(from));
                return parts;
            }
            parts.add(key.substring(from, at));
            from = at + 1;
        }
    }

    private static IllegalArgumentException wrongCount(String key, int expected, int actual) {
        return new IllegalArgumentException("composite key '" + key + "' has " + actual + (actual == 1 ? " part" : " parts")
                + ", expected " + expected + " separated by '" + SEPARATOR_TEXT + "'");
    }

    private static String describe(String[] parts) {
        return java.util.Arrays.toString(parts);
    }
}
