package dev.sycostream.ingest;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.datasets.DatasetFiles;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.identity.Provenance;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;
import dev.sycostream.prompts.Tasks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an ingestion will write, decided before anything is sent: the datasets read, the items to retire, and the
 * datasets that gave no item at all. {@code ingest} and {@code demo} share it, so both refuse the same files.
 *
 * <p>Replacement: with {@code replace}, every task a dataset has items for is replaced by what this ingestion reads
 * for it: the task's stored items whose ids are not among the new ones are retired (a tombstone in
 * {@code sycostream.datasets.raw}). Without it, new items are added and the old ones stay. Because ids come from
 * content, an unchanged question keeps its id and its answers, and a changed one is a new item either way.
 */
public final class IngestPlan {
    /** One dataset as read. */
    public record Dataset(String description, ReadResult data) {
        /** The first reasons its lines were rejected, for stderr. */
        public List<String> firstReasons(int max) {
            return data.rejected().stream().limit(max).map(r -> r.source() + ": " + r.reason()).toList();
        }
    }

    private final List<Dataset> datasets;
    private final List<String> retire;

    private IngestPlan(List<Dataset> datasets, List<String> retire) {
        this.datasets = datasets;
        this.retire = retire;
    }

    /**
     * Loads every spec and checks it against what is stored.
     *
     * @param stored  the items already in {@code sycostream.datasets.raw}
     * @param replace retire the stored items of every task read here that this ingestion does not have
     * @throws DatasetFiles.Refused if a file is empty, a Git LFS pointer, or byte-identical to a file already
     *                              ingested (or read earlier in this plan) under another task
     */
    public static IngestPlan of(List<DatasetSpec> specs, long seed, long ingestedAtMs, Collection<DatasetItem> stored,
                                boolean replace) {
        Map<String, Set<String>> tasksBySha = new HashMap<>(Provenance.tasksByFileSha(stored));
        List<Dataset> datasets = new ArrayList<>();
        Map<String, Set<String>> newIdsByTask = new LinkedHashMap<>();
        for (DatasetSpec spec : specs) {
            ReadResult data = spec.load(seed, ingestedAtMs);
            refuseCopies(spec, data, tasksBySha);
            for (DatasetItem item : data.items()) {
                newIdsByTask.computeIfAbsent(item.getTask(), t -> new HashSet<>()).add(item.getItemId());
                if (item.getSourceSha256() != null) {
                    tasksBySha.computeIfAbsent(item.getSourceSha256(), s -> new TreeSet<>()).add(item.getTask());
                }
            }
            datasets.add(new Dataset(spec.describe(), data));
        }
        List<String> retire = new ArrayList<>();
        if (replace) {
            for (DatasetItem item : stored) {
                Set<String> kept = newIdsByTask.get(item.getTask());
                if (kept != null && !kept.contains(item.getItemId())) {
                    retire.add(item.getItemId());
                }
            }
        }
        return new IngestPlan(List.copyOf(datasets), List.copyOf(retire));
    }

    private static void refuseCopies(DatasetSpec spec, ReadResult data, Map<String, Set<String>> tasksBySha) {
        Map<String, String> taskBySha = new LinkedHashMap<>();
        data.items().forEach(i -> {
            if (i.getSourceSha256() != null) {
                taskBySha.putIfAbsent(i.getSourceSha256(), i.getTask());
            }
        });
        taskBySha.forEach((sha, task) -> {
            Set<String> others = new TreeSet<>();
            for (String other : tasksBySha.getOrDefault(sha, Set.of())) {
                if (!sameDataset(other, task)) {
                    others.add(other);
                }
            }
            DatasetFiles.refuseCopyOfOtherTask(spec.describe(), task, sha, Map.of(sha, others));
        });
    }

    /** A classification file gives two tasks (candidates and held out): they are one dataset, not a copy. */
    private static boolean sameDataset(String a, String b) {
        return group(a).equals(group(b));
    }

    private static String group(String task) {
        return Tasks.isSyntheticHeldout(task) ? Tasks.SYNTHETIC_PREFIX + task.substring(Tasks.SYNTHETIC_HELDOUT_PREFIX.length()) : task;
    }

    public List<Dataset> datasets() {
        return datasets;
    }

    /** Ids of stored items to retire (only with replace). */
    public List<String> retire() {
        return retire;
    }

    /** The datasets from which no item at all could be read. */
    public List<Dataset> empty() {
        return datasets.stream().filter(d -> d.data().items().isEmpty()).toList();
    }

    /** Every rejected line of every dataset. */
    public List<Rejected> rejected() {
        return datasets.stream().flatMap(d -> d.data().rejected().stream()).toList();
    }
}
