package dev.sycostream.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.json.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes training examples as JSONL in an {@link ExportFormat}, optionally mixed with lines of another JSONL
 * file (e.g. instruction-tuning data, as in Wei et al. 2023 §4, which mixed 5:1).
 *
 * <p>The file is written to a temporary file in the target's directory and then moved over the target, so a
 * reader sees either the old file or the complete new one, and a failed export leaves nothing behind.
 */
public final class TrainingExporter {
    private static final ObjectMapper JSON = Json.MAPPER;

    /**
     * @param generated training examples written
     * @param mixed     lines of the mix file written
     * @param file      the file written
     */
    public record Result(long generated, long mixed, Path file) {
    }

    /**
     * Writes {@code examples} (in the given order; at most {@code limit} of them) in {@code format} to
     * {@code out}. With a {@link MixSpec} of ratio G:M, round(N * M / G) lines of the mix file are added, taken in
     * file order and starting over at its top if it is shorter: after every G generated lines come M mix lines,
     * and any left over (from rounding up) come last.
     *
     * @param mix      null: no mixing
     * @param limit    null: no limit; otherwise at least 1, and caps the generated examples before mixing
     * @param progress told after each line (total = generated + mixed lines); null: none
     * @throws IllegalArgumentException if an example cannot be written in {@code format} (naming the item), a
     *                                  mix file line is not an object of {@code format} ({@code file:line}), or the
     *                                  limit is below 1
     * @throws UncheckedIOException     if a file cannot be read or written
     */
    public Result export(List<TrainingExample> examples, ExportFormat format, Path out, MixSpec mix, Integer limit,
                         ProgressListener progress) {
        Objects.requireNonNull(examples, "examples");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(out, "out");
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<TrainingExample> chosen = limit == null || limit >= examples.size() ? examples : examples.subList(0, limit);
        // Render everything before touching the file system: a bad prompt fails the export up front.
        List<String> generated = new ArrayList<>(chosen.size());
        for (TrainingExample e : chosen) {
            generated.add(format.toLine(e));
        }
        List<String> mixLines = mix == null ? List.of() : readMixFile(mix.file(), format);
        long mixedCount = mix == null ? 0 : mix.mixedFor(generated.size());
        if (mixedCount > 0 && mixLines.isEmpty()) {
            throw new IllegalArgumentException("mix file " + mix.file() + " has no lines to mix in");
        }
        long total = generated.size() + mixedCount;
        try {
            writeAtomically(out, writer -> {
                long done = 0;
                long mixedWritten = 0;
                int sinceMix = 0;
                for (String line : generated) {
                    write(writer, line);
                    listener.update(++done, total);
                    if (mix != null && ++sinceMix == mix.generatedParts()) {
                        sinceMix = 0;
                        for (int i = 0; i < mix.mixedParts() && mixedWritten < mixedCount; i++) {
                            write(writer, mixLines.get((int) (mixedWritten++ % mixLines.size())));
                            listener.update(++done, total);
                        }
                    }
                }
                while (mixedWritten < mixedCount) {
                    write(writer, mixLines.get((int) (mixedWritten++ % mixLines.size())));
                    listener.update(++done, total);
                }
            });
        } finally {
            listener.finish();
        }
        return new Result(generated.size(), mixedCount, out);
    }

    /**
     * The non-blank lines of a JSONL file, trimmed, each checked to be a JSON object of {@code format}.
     *
     * @throws IllegalArgumentException at the first bad line, as {@code file:line: reason}
     */
    static List<String> readMixFile(Path file, ExportFormat format) {
        List<String> raw;
        try {
            raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("mix file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mix file " + file + ": " + e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + "not valid JSON: " + e.getOriginalMessage());
            }
            String problem = format.problemWith(node);
            if (problem != null) {
                throw new IllegalArgumentException(where + problem + " (expected a " + format.formatName() + " line)");
            }
            lines.add(line);
        }
        return lines;
    }

    private static void write(BufferedWriter writer, String line) throws IOException {
        writer.write(line);
        writer.write('\n');
    }

    interface LineWriter {
        void writeTo(BufferedWriter writer) throws IOException;
    }

    /** Writes a temporary file next to {@code out}, then moves it over {@code out}; deletes it on failure. */
    static void writeAtomically(Path out, LineWriter content) {
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (BufferedWriter writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.writeTo(writer);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
        }
    }
}
