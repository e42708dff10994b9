package dev.sycostream.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Confluent's compatibility levels, decided by Avro's own {@link SchemaCompatibility} so the answer is
 * exactly whether Avro's schema resolution would succeed.
 *
 * <ul>
 *   <li>BACKWARD: the new schema, as reader, can read data written with the previous one (consumers
 *       upgrade first). FORWARD: the previous schema can read data written with the new one.
 *       FULL: both.</li>
 *   <li>*_TRANSITIVE: the same against every earlier version, not just the latest.</li>
 *   <li>NONE: anything goes.</li>
 * </ul>
 * The result is the list of reasons, phrased for people, so that a refusal says what to fix.
 */
public enum AvroCompatibility {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** Confluent's default level. */
    public static final AvroCompatibility DEFAULT = BACKWARD;

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    AvroCompatibility(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /** Parses a level name, case-insensitively; the error lists the valid names. */
    public static AvroCompatibility parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown compatibility level '" + name + "', expected one of "
                    + Arrays.toString(values()));
        }
    }

    /**
     * Why {@code candidate} may not follow {@code history} at this level; empty when it may.
     *
     * @param history the subject's schemas oldest first (version 1 first); only the last one counts unless
     *                the level is transitive
     */
    public List<String> incompatibilities(Schema candidate, List<Schema> history) {
        List<String> problems = new ArrayList<>();
        int from = transitive ? 0 : Math.max(0, history.size() - 1);
        for (int i = from; i < history.size(); i++) {
            problems.addAll(incompatibilitiesWith(candidate, history.get(i), "version " + (i + 1)));
        }
        return problems;
    }

    public boolean isCompatible(Schema candidate, List<Schema> history) {
        return incompatibilities(candidate, history).isEmpty();
    }

    /** Why {@code candidate} may not follow the one schema {@code existing} (named {@code label} in messages). */
    public List<String> incompatibilitiesWith(Schema candidate, Schema existing, String label) {
        List<String> problems = new ArrayList<>();
        if (newReadsOld) {
            describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing),
                    "the new schema cannot read data written with " + label, problems);
        }
        if (oldReadsNew) {
            describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate),
                    label + " cannot read data written with the new schema", problems);
        }
        return problems;
    }

    private void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction, List<String> out) {
        for (Incompatibility i : pair.getResult().getIncompatibilities()) {
            out.add(name() + ": " + direction + ": " + reason(i) + " (at " + i.getLocation() + ")");
        }
    }

    /** Avro's messages are terse ("x", "[B]"); say what they mean. */
    private static String reason(Incompatibility i) {
        String msg = i.getMessage();
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "reader field '" + msg + "' has no default value";
            case MISSING_ENUM_SYMBOLS -> "reader enum '" + i.getReaderFragment().getFullName()
                    + "' lacks the writer's symbols " + msg;
            case MISSING_UNION_BRANCH -> "reader union lacks a branch for the writer's " + msg;
            case TYPE_MISMATCH -> "type mismatch: " + msg;
            case NAME_MISMATCH -> "name mismatch: " + msg;
            case FIXED_SIZE_MISMATCH -> "fixed size mismatch: " + msg;
            default -> i.getType() + ": " + msg;
        };
    }
}
