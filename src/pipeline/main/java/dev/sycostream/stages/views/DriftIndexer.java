package dev.sycostream.stages.views;

import dev.sycostream.avro.DriftRecord;
import dev.sycostream.keys.CompositeKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * {@code sycostream.drift} → the latest record per {@code target|task|metric} ({@link
 * HistoryStores#DRIFT_STATES_STORE}; a tombstone deletes it) and each episode edge, an event other than
 * {@code update}, at its time ({@link HistoryStores#DRIFT_EPISODES_STORE}, keyed {@code episode|event|key}).
 */
final class DriftIndexer implements Processor<String, DriftRecord, Void, Void> {
    static final String UPDATE = "update";

    private KeyValueStore<String, DriftRecord> states;
    private WindowStore<String, DriftRecord> episodes;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        states = context.getStateStore(HistoryStores.DRIFT_STATES_STORE);
        episodes = context.getStateStore(HistoryStores.DRIFT_EPISODES_STORE);
    }

    @Override
    public void process(Record<String, DriftRecord> record) {
        if (record.key() == null) {
            return;
        }
        DriftRecord d = record.value();
        if (d == null) {
            states.delete(record.key());
            return;
        }
        states.put(record.key(), d);
        if (!UPDATE.equals(d.getEvent())) {
            episodes.put(CompositeKey.joinWithTail(String.valueOf(d.getEpisode()), d.getEvent(), record.key()), d, d.getAtMs());
        }
    }
}
