package dev.sycostream.training;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mix other data into an export: {@code --mix-with FILE --ratio G:M} puts {@code M} lines of {@code file}
 * after every {@code G} generated examples. The paper mixed 5 parts generated data with 1 part instruction
 * data ({@link #PAPER_RATIO}).
 *
 * @param file           JSONL, one object per line, already in the export's format
 * @param generatedParts G, at least 1
 * @param mixedParts     M, at least 1
 */
public record MixSpec(Path file, int generatedParts, int mixedParts) {
    public static final String PAPER_RATIO = "5:1";
    private static final Pattern RATIO = Pattern.compile("\\s*(\\d{1,9})\\s*:\\s*(\\d{1,9})\\s*");

    public MixSpec {
        Objects.requireNonNull(file, "mix file");
        if (generatedParts < 1 || mixedParts < 1) {
            throw new IllegalArgumentException("mix ratio parts must be at least 1, got " + generatedParts + ":" + mixedParts);
        }
    }

    /**
     * @param ratio {@code G:M}, e.g. {@code 5:1}; null means {@value #PAPER_RATIO}
     * @throws IllegalArgumentException if the ratio is not two positive whole numbers separated by ':'
     */
    public static MixSpec parse(Path file, String ratio) {
        String r = ratio == null ? PAPER_RATIO : ratio;
        Matcher m = RATIO.matcher(r);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid --ratio '" + r
                    + "': expected GENERATED:MIXED, two positive whole numbers such as " + PAPER_RATIO);
        }
        return new MixSpec(file, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** How many mix lines go with {@code generated} examples: round(generated * M / G), halves rounded up. */
    public long mixedFor(long generated) {
        // Exact integer arithmetic: floor((2*N*M + G) / (2*G)) = round half up of N*M/G.
        return Math.floorDiv(Math.addExact(Math.multiplyExact(2 * generated, (long) mixedParts), generatedParts),
                2L * generatedParts);
    }

    /** {@code G:M}. */
    public String ratio() {
        return generatedParts + ":" + mixedParts;
    }
}
