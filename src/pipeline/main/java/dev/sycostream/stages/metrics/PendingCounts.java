package dev.sycostream.stages.metrics;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.keys.CompositeKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts not yet sent to the aggregation, per (tumbling window, "target|task|metric"): the pre-aggregation that
 * keeps the repartition topic from carrying one record per observation (3.5 per answer before it; see
 * BENCHMARKS.md). The store is changelogged and cached, so counts added here are as durable as the input
 * offsets committed with them, while the changelog sees one write per dirty key per commit, not per answer.
 *
 * <p>Keys are "windowStart|target|task|metric"; the timestamp kept with each count is the latest event time added
 * to it, which lies inside the window, so the downstream windowed aggregate puts the batch in the right window.
 */
final class PendingCounts {
    /** One batch to forward: counts of {@code metricKey} in the window starting at {@code windowStart}. */
    record Batch(String metricKey, MetricCounts counts, long timestamp) {
    }

    private final TimestampedKeyValueStore<String, MetricCounts> store;
    private final long windowMs;

    PendingCounts(TimestampedKeyValueStore<String, MetricCounts> store, long windowMs) {
        this.store = store;
        this.windowMs = windowMs;
    }

    /**
     * Adds one 0/1 observation of {@code metricKey} made at event time {@code timestamp}, with its continuous
     * {@code score} when it has one (null otherwise).
     */
    void add(String metricKey, boolean hit, Double score, long timestamp) {
        add(metricKey, hit, score, timestamp, 1);
    }

    /** As above with a sign: -1 takes back an observation added before (a retracted answer), in its own window. */
    void add(String metricKey, boolean hit, Double score, long timestamp, int sign) {
        // Same alignment as TimeWindows (epoch-aligned tumbling windows), so a batch never straddles two windows.
        long windowStart = timestamp - Math.floorMod(timestamp, windowMs);
        String key = CompositeKey.joinWithTail(Long.toString(windowStart), metricKey);
        ValueAndTimestamp<MetricCounts> old = store.get(key);
        MetricCounts counts = old == null ? MetricCounts.newBuilder().build() : old.value();
        counts.setCount(counts.getCount() + (hit ? sign : 0));
        counts.setN(counts.getN() + sign);
        if (score != null) {
            counts.setScoreSum(counts.getScoreSum() + sign * score);
            counts.setScoreN(counts.getScoreN() + sign);
        }
        long ts = old == null ? timestamp : Math.max(old.timestamp(), timestamp);
        store.put(key, ValueAndTimestamp.make(counts, ts));
    }

    /** Removes and returns every pending batch. */
    List<Batch> drain() {
        List<KeyValue<String, ValueAndTimestamp<MetricCounts>>> entries = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<MetricCounts>> it = store.all()) {
            it.forEachRemaining(entries::add);
        }
        List<Batch> batches = new ArrayList<>(entries.size());
        for (KeyValue<String, ValueAndTimestamp<MetricCounts>> e : entries) {
            store.delete(e.key);
            String metricKey = CompositeKey.splitWithTail(e.key, 2).get(1);
            batches.add(new Batch(metricKey, e.value.value(), e.value.timestamp()));
        }
        return batches;
    }
}
