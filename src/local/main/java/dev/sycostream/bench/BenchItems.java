package dev.sycostream.bench;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.datasets.AdditionDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's dataset: as many addition items as needed, made by generating the 2,500-item addition set with
 * seeds {@code seed, seed+1, ...} and giving each item an id unique across seeds
 * ({@code addition/s<seed>/<pair>}); every item has two variants (no opinion, with opinion), so one target gets
 * two requests per item. The last seed contributes only the items still needed.
 */
public final class BenchItems {
    private BenchItems() {
    }

    /** Items needed for at least {@code answers} answers with {@code targets} targets (2 requests per item). */
    public static int itemsFor(long answers, int targets) {
        long perItem = 2L * targets;
        return (int) ((answers + perItem - 1) / perItem);
    }

    public static List<DatasetItem> generate(int count, long seed, long ingestedAtMs) {
        List<DatasetItem> items = new ArrayList<>(count);
        for (long s = seed; items.size() < count; s++) {
            for (DatasetItem item : AdditionDataset.generate(s, ingestedAtMs)) {
                if (items.size() == count) {
                    break;
                }
                item.setItemId(itemId(s, item.getAddition().getPairIndex()));
                items.add(item);
            }
        }
        return items;
    }

    /**
     * Items {@code from} (inclusive) to {@code to} (exclusive) of the sequence {@link #generate} makes from
     * {@code seed}, without generating the ones before: {@code bench history} grows one history in steps.
     */
    public static List<DatasetItem> range(int from, int to, long seed, long ingestedAtMs) {
        List<DatasetItem> items = new ArrayList<>(Math.max(0, to - from));
        for (long s = seed + from / AdditionDataset.SIZE; from + items.size() < to; s++) {
            for (DatasetItem item : AdditionDataset.generate(s, ingestedAtMs)) {
                long index = (s - seed) * AdditionDataset.SIZE + item.getAddition().getPairIndex();
                if (index < from) {
                    continue;
                }
                if (from + items.size() == to) {
                    break;
                }
                item.setItemId(itemId(s, item.getAddition().getPairIndex()));
                items.add(item);
            }
        }
        return items;
    }

    /** {@code addition/s7/0042}. */
    public static String itemId(long seed, int pairIndex) {
        return String.format(Locale.ROOT, "addition/s%d/%04d", seed, pairIndex);
    }
}
