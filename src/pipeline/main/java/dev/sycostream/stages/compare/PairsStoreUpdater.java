package dev.sycostream.stages.compare;

import dev.sycostream.avro.ComparisonPair;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global pairs store equal to the compacted {@code sycostream.compare.pairs} (a null value removes the
 * pair). Global, because a pair's answers are on every task's partition.
 */
final class PairsStoreUpdater implements Processor<String, ComparisonPair, Void, Void> {
    private KeyValueStore<String, ComparisonPair> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ComparisonStage.PAIRS_STORE);
    }

    @Override
    public void process(Record<String, ComparisonPair> record) {
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
