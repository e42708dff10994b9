package dev.sycostream.stages.usage;

import dev.sycostream.avro.UsageCounts;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.usage.UsageTotals;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.function.Function;

/** Publishes each updated usage total as a {@link UsageResult} under its results-topic key. */
final class UsageEmitter<K> implements Processor<K, UsageCounts, String, UsageResult> {
    private final Function<K, String> targetTask;
    private final String window;
    private final Function<K, Long> windowStart;
    private final Function<K, Long> windowEnd;
    private ProcessorContext<String, UsageResult> context;

    UsageEmitter(Function<K, String> targetTask, String window, Function<K, Long> windowStart, Function<K, Long> windowEnd) {
        this.targetTask = targetTask;
        this.window = window;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    @Override
    public void init(ProcessorContext<String, UsageResult> context) {
        this.context = context;
    }

    @Override
    public void process(Record<K, UsageCounts> record) {
        if (record.value() == null) {
            return;
        }
        String key = targetTask.apply(record.key());
        Long start = windowStart.apply(record.key());
        UsageResult result = UsageTotals.result(key, record.value(), window, start, windowEnd.apply(record.key()),
                record.timestamp());
        context.forward(new Record<>(UsageTotals.resultKey(key, window, start), result, record.timestamp()));
    }
}
