package dev.sycostream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reply-to-metric latencies of a bench run and their percentiles, from the replies' times and the counts seen. */
final class Latencies {
    private Latencies() {
    }

    /**
     * Reply-to-metric latency, sorted. Replies are ordered by replied_at_ms; the k-th reply's latency is the
     * wall-clock time at which the target's cumulative metrics, as read (read_committed) by this bench, had first
     * counted at least k answers, minus that reply's replied_at_ms.
     */
    static long[] latencies(long[] sortedRepliedAt, List<ResultsTracker.CountAt> counts) {
        List<Long> out = new ArrayList<>();
        int j = 0;
        for (int k = 1; k <= sortedRepliedAt.length; k++) {
            while (j < counts.size() && counts.get(j).counted() < k) {
                j++;
            }
            if (j == counts.size()) {
                break; // never counted (cannot happen once complete)
            }
            out.add(counts.get(j).visibleAtMs() - sortedRepliedAt[k - 1]);
        }
        long[] a = out.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** The latency of each reply in reply order (-1 when never counted). */
    static long[] unsorted(long[] sortedRepliedAt, List<ResultsTracker.CountAt> counts) {
        long[] out = new long[sortedRepliedAt.length];
        int j = 0;
        for (int k = 1; k <= sortedRepliedAt.length; k++) {
            while (j < counts.size() && counts.get(j).counted() < k) {
                j++;
            }
            out[k - 1] = j == counts.size() ? -1 : counts.get(j).visibleAtMs() - sortedRepliedAt[k - 1];
        }
        return out;
    }

    /** As {@link #latencies}, for the replies made at or after {@code fromMs} only. */
    static long[] latenciesAfter(long[] sortedRepliedAt, List<ResultsTracker.CountAt> counts, long fromMs) {
        long[] all = unsorted(sortedRepliedAt, counts);
        List<Long> out = new ArrayList<>();
        for (int k = 0; k < sortedRepliedAt.length; k++) {
            if (sortedRepliedAt[k] >= fromMs && all[k] >= 0) {
                out.add(all[k]);
            }
        }
        long[] a = out.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** Nearest-rank percentile of a sorted array; -1 when empty. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
