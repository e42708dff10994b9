package dev.sycostream.stages.usage;

import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.UsageCounts;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.keys.TargetTaskKey;
import dev.sycostream.usage.UsageTotals;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds each scored answer's usage ({@link UsageTotals#of}) to a pending count per (tumbling window, "target|task"),
 * and every {@code flushInterval} of wall-clock time forwards the pending counts keyed "target|task" to the
 * aggregation: a few records per flush through the repartition topic instead of one per answer, as the metrics stage
 * does. The pending store is changelogged, so counts added here are as durable as the input offsets committed with
 * them. Keys are "windowStart|target|task"; the timestamp kept with a count is the latest event time added to it,
 * which lies inside its window, so the windowed aggregate puts the batch where it belongs.
 */
final class UsageBatcher implements Processor<String, ScoredAnswer, String, UsageCounts> {
    private final long windowMs;
    private final Duration flushInterval;
    private ProcessorContext<String, UsageCounts> context;
    private TimestampedKeyValueStore<String, UsageCounts> pending;

    UsageBatcher(Duration window, Duration flushInterval) {
        this.windowMs = window.toMillis();
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, UsageCounts> context) {
        this.context = context;
        pending = context.getStateStore(UsageStage.PENDING_STORE);
        // Wall-clock, not stream time: the last answers of a run must be counted even when no more arrive.
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, ScoredAnswer> record) {
        ScoredAnswer a = record.value();
        if (a == null) {
            return;
        }
        long ts = record.timestamp();
        // Same alignment as TimeWindows (epoch-aligned tumbling windows), so a batch never straddles two windows.
        long windowStart = ts - Math.floorMod(ts, windowMs);
        String key = CompositeKey.joinWithTail(Long.toString(windowStart),
                new TargetTaskKey(a.getTargetId(), a.getTask()).encode());
        ValueAndTimestamp<UsageCounts> old = pending.get(key);
        UsageCounts counts = old == null ? UsageTotals.zero() : old.value();
        UsageTotals.addTo(counts, UsageTotals.of(a));
        pending.put(key, ValueAndTimestamp.make(counts, old == null ? ts : Math.max(old.timestamp(), ts)));
    }

    private void flush() {
        List<KeyValue<String, ValueAndTimestamp<UsageCounts>>> entries = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<UsageCounts>> it = pending.all()) {
            it.forEachRemaining(entries::add);
        }
        for (KeyValue<String, ValueAndTimestamp<UsageCounts>> e : entries) {
            pending.delete(e.key);
            String targetTask = CompositeKey.splitWithTail(e.key, 2).get(1);
            context.forward(new Record<>(targetTask, e.value.value(), e.value.timestamp()));
        }
    }
}
