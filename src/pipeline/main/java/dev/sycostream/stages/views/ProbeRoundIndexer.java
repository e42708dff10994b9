package dev.sycostream.stages.views;

import dev.sycostream.avro.ProbeRound;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * {@code sycostream.probe.rounds} → {@link HistoryStores#PROBE_ROUNDS_STORE} at each round's {@code at_ms}, under the
 * topic's key ({@code target|round}), so a round read twice is stored once.
 */
final class ProbeRoundIndexer implements Processor<String, ProbeRound, Void, Void> {
    private WindowStore<String, ProbeRound> rounds;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        rounds = context.getStateStore(HistoryStores.PROBE_ROUNDS_STORE);
    }

    @Override
    public void process(Record<String, ProbeRound> record) {
        if (record.key() != null && record.value() != null) {
            rounds.put(record.key(), record.value(), record.value().getAtMs());
        }
    }
}
