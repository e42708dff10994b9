package dev.sycostream.datasets;

import dev.sycostream.input.ReadResult;

import dev.sycostream.prompts.Tasks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated Perez-style sample shipped on the classpath under {@value #RESOURCE_DIR} (see
 * {@link PerezSampleGenerator}): 100 questions for each of the three Perez tasks.
 */
public final class PerezSample {
    public static final String RESOURCE_DIR = "datasets/perez-sample";

    private PerezSample() {
    }

    /** Reads all three tasks, in {@link Tasks#PEREZ_TASKS} order; ingested_at_ms = 0. */
    public static ReadResult load() {
        return load(0L);
    }

    /** Reads all three tasks, stamped with the given ingestion time. */
    public static ReadResult load(long ingestedAtMs) {
        List<ReadResult> parts = new ArrayList<>();
        for (String task : Tasks.PEREZ_TASKS) {
            parts.add(load(task, ingestedAtMs));
        }
        return ReadResult.concat(parts);
    }

    /** Reads one task's sample; sources look like {@code classpath:datasets/perez-sample/nlp_survey.jsonl:17}. */
    public static ReadResult load(String task, long ingestedAtMs) {
        PerezReader.requirePerezTask(task);
        String resource = resourcePath(task);
        try (InputStream in = PerezSample.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the classpath");
            }
            return PerezReader.read(in, "classpath:" + resource, task, ingestedAtMs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }

    /** {@code datasets/perez-sample/<task>.jsonl}. */
    public static String resourcePath(String task) {
        return RESOURCE_DIR + "/" + PerezSampleGenerator.fileName(task);
    }
}
