package dev.sycostream.input;

import dev.sycostream.avro.DatasetItem;

import java.util.ArrayList;
import java.util.List;

/**
 * What reading a dataset produced: the good items, in source order, and the rejected lines.
 */
public record ReadResult(List<DatasetItem> items, List<Rejected> rejected) {

    public ReadResult {
        items = List.copyOf(items);
        rejected = List.copyOf(rejected);
    }

    /** The items and rejections of several results, in order. */
    public static ReadResult concat(List<ReadResult> parts) {
        List<DatasetItem> items = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (ReadResult part : parts) {
            items.addAll(part.items());
            rejected.addAll(part.rejected());
        }
        return new ReadResult(items, rejected);
    }
}
