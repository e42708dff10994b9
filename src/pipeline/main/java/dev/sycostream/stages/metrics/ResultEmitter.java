package dev.sycostream.stages.metrics;

import dev.sycostream.metrics.ResultBuilder;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.MetricResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.function.Function;

/** Publishes each updated count as a {@link MetricResult} under its results-topic key. */
final class ResultEmitter<K> implements Processor<K, MetricCounts, String, MetricResult> {
    private final String keyPrefix;
    private final Function<K, String> metricKey;
    private final Function<K, String> window;
    private final Function<K, Long> windowStart;
    private final Function<K, Long> windowEnd;
    private ProcessorContext<String, MetricResult> context;

    ResultEmitter(String keyPrefix, Function<K, String> metricKey, Function<K, String> window, Function<K, Long> windowStart,
                  Function<K, Long> windowEnd) {
        this.keyPrefix = keyPrefix;
        this.metricKey = metricKey;
        this.window = window;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    @Override
    public void init(ProcessorContext<String, MetricResult> context) {
        this.context = context;
    }

    @Override
    public void process(Record<K, MetricCounts> record) {
        if (record.value() == null) {
            return;
        }
        String key = metricKey.apply(record.key());
        String w = window.apply(record.key());
        Long start = windowStart.apply(record.key());
        MetricResult result = ResultBuilder.build(key, record.value(), w, start, windowEnd.apply(record.key()),
                record.timestamp());
        context.forward(new Record<>(keyPrefix + ResultBuilder.resultKey(key, w, start), result, record.timestamp()));
    }
}
