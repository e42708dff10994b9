package dev.sycostream.history;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.identity.Provenance;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The items currently in {@code sycostream.datasets.raw}: the topic is compacted by item id, so this read costs the
 * size of the datasets, not of the history. Used where a command needs to know what is already ingested (refusing a
 * copy of another task's file, retiring the items a replaced file no longer has, the fingerprints in a report);
 * never on a request path of the pipeline, which keeps the items in its own store.
 */
public final class DatasetCatalog {
    private final Map<String, DatasetItem> items;

    private DatasetCatalog(Map<String, DatasetItem> items) {
        this.items = items;
    }

    /** Reads the topic to its current end; a tombstone removes its item. */
    public static DatasetCatalog read(Map<String, Object> clientConfig, Topics topics, Duration timeout) {
        Map<String, DatasetItem> items = new LinkedHashMap<>();
        TopicSnapshot.read(clientConfig, topics.datasetsRaw(), null, timeout, r -> {
            if (r.value() == null) {
                items.remove(r.key());
            } else {
                items.put(r.key(), r.value());
            }
        });
        return new DatasetCatalog(items);
    }

    /** A catalog of given items (for tests and for the items of one run). */
    public static DatasetCatalog of(Collection<DatasetItem> items) {
        Map<String, DatasetItem> byId = new LinkedHashMap<>();
        items.forEach(i -> byId.put(i.getItemId(), i));
        return new DatasetCatalog(byId);
    }

    public Collection<DatasetItem> items() {
        return items.values();
    }

    /** The ids of a task's current items. */
    public List<String> idsOfTask(String task) {
        return items.values().stream().filter(i -> i.getTask().equals(task)).map(DatasetItem::getItemId).toList();
    }

    /** Per task, the files and generators behind its items. */
    public List<Provenance.TaskSource> provenance() {
        return Provenance.of(items.values());
    }
}
