package dev.sycostream.stages.budget;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Marks what belongs to a target with a replay cap: its key becomes {@link #CAPPED} + target id (the gate's key),
 * anything else passes unchanged. One lookup decides, so a target registered or changed meanwhile (the targets store
 * is a global store, updated by its own thread) can never send a record both ways or neither.
 *
 * @param <V> {@link ModelRequest} (requests to send) or {@link ScoredAnswer} (answers to settle)
 */
final class CappedTargetRouter<V> implements Processor<String, V, String, V> {
    /** No request id or target id starts with a control character. */
    static final char CAPPED = '\u0001';

    private ProcessorContext<String, V> context;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;

    static boolean capped(String key) {
        return key != null && !key.isEmpty() && key.charAt(0) == CAPPED;
    }

    @Override
    public void init(ProcessorContext<String, V> context) {
        this.context = context;
        targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
    }

    @Override
    public void process(Record<String, V> record) {
        String targetId = record.value() instanceof ModelRequest r ? r.getTargetId()
                : record.value() instanceof ScoredAnswer a ? a.getTargetId() : null;
        EvalTarget target = targetId == null ? null : targets.get(targetId);
        if (target != null && target.getMaxCostPicoUsd() != null) {
            context.forward(record.withKey(CAPPED + targetId));
        } else {
            context.forward(record);
        }
    }
}
