package dev.sycostream.stages.fanout;

import dev.sycostream.avro.EvalTarget;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global targets store equal to the compacted targets topic (a null value removes the target).
 * Global, because every task must see every target: items are partitioned by item id, targets are few.
 */
final class TargetsStoreUpdater implements Processor<String, EvalTarget, Void, Void> {
    private final String storeName;
    private KeyValueStore<String, EvalTarget> store;

    TargetsStoreUpdater(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, EvalTarget> record) {
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
