package dev.sycostream.input;

import dev.sycostream.avro.DatasetItem;

import java.util.ArrayList;
import java.util.List;

/**
 * What reading a dataset produced: the good items, in source order and each id once, the rejected lines, and how
 * many good lines repeated an item already read (same content, so the same id: one item, asked once).
 */
public record ReadResult(List<DatasetItem> items, List<Rejected> rejected, int duplicates) {

    public ReadResult {
        items = List.copyOf(items);
        rejected = List.copyOf(rejected);
        if (duplicates < 0) {
            throw new IllegalArgumentException("duplicates must be >= 0, got " + duplicates);
        }
    }

    /** A result without repeated items. */
    public ReadResult(List<DatasetItem> items, List<Rejected> rejected) {
        this(items, rejected, 0);
    }

    /** The items and rejections of several results, in order. */
    public static ReadResult concat(List<ReadResult> parts) {
        List<DatasetItem> items = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int duplicates = 0;
        for (ReadResult part : parts) {
            items.addAll(part.items());
            rejected.addAll(part.rejected());
            duplicates += part.duplicates();
        }
        return new ReadResult(items, rejected, duplicates);
    }
}
