package dev.sycostream.history;

import dev.sycostream.training.ExportFormat;
import dev.sycostream.training.ProgressListener;
import dev.sycostream.training.TrainingExporter;

import dev.sycostream.avro.TrainingExample;
import dev.sycostream.topics.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exports the training sets of several targets at once (for {@code demo --export-training DIR}). */
public final class TrainingExport {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private TrainingExport() {
    }

    /**
     * Reads each target's training set and writes it unmixed, without limit, to
     * {@code dir/<target>.<format-name>.jsonl} (characters other than letters, digits, '.', '_' and '-' in the
     * target id become '_'). A target without examples gets an empty file.
     *
     * @return the result per target, in the order of {@code targets}
     * @throws IllegalArgumentException if two targets would share a file name
     * @throws IllegalStateException    if the topic is missing or cannot be read to its end in 30 s per target
     */
    public static Map<String, TrainingExporter.Result> exportAll(Map<String, Object> clientConfig, Topics topics,
                                                                 List<String> targets, Path dir, ExportFormat format) {
        Map<String, String> owners = new HashMap<>();
        for (String target : targets) {
            String previous = owners.putIfAbsent(fileName(target, format), target);
            if (previous != null && !previous.equals(target)) {
                throw new IllegalArgumentException("targets '" + previous + "' and '" + target
                        + "' would both be exported to " + dir.resolve(fileName(target, format)));
            }
        }
        Map<String, TrainingExporter.Result> results = new LinkedHashMap<>();
        TrainingExporter exporter = new TrainingExporter();
        Map<String, List<TrainingExample>> sets = new TrainingSetReader(clientConfig, topics).read(targets, DEFAULT_TIMEOUT);
        for (var set : sets.entrySet()) {
            results.put(set.getKey(), exporter.export(set.getValue(), format, dir.resolve(fileName(set.getKey(), format)),
                    null, null, ProgressListener.NONE));
        }
        return results;
    }

    /** {@code <target>.<format-name>.jsonl}, with characters unsafe in file names replaced by '_'. */
    public static String fileName(String target, ExportFormat format) {
        return target.replaceAll("[^A-Za-z0-9._-]", "_") + "." + format.formatName() + ".jsonl";
    }
}
