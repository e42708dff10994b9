package dev.sycostream.metrics;

import dev.sycostream.avro.MetricObservation;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.prompts.Variants;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns each scored answer into 0/1 observations of the metrics it counts towards, keyed
 * "target_id|task|metric". Every answer counts in n, whatever its status, so n equals items × variants
 * and a reply that cannot be parsed is never counted as agreeing. Input is keyed "target_id|item_id",
 * so the two variants of an addition item meet here; the first waits in a store for its pair.
 */
final class ObservationExtractor implements Processor<String, ScoredAnswer, String, MetricObservation> {
    private ProcessorContext<String, MetricObservation> context;
    private KeyValueStore<String, ScoredAnswer> pending;

    @Override
    public void init(ProcessorContext<String, MetricObservation> context) {
        this.context = context;
        pending = context.getStateStore(MetricsStage.PAIRS_STORE);
    }

    @Override
    public void process(Record<String, ScoredAnswer> record) {
        ScoredAnswer a = record.value();
        if (a == null) {
            return;
        }
        for (Observations.Observation o : Observations.of(a)) {
            emit(record, a, o.metric(), o.hit());
        }
        if (Observations.paired(a.getTask())) {
            pair(record, a);
        }
    }

    /** flip_to_user needs both variants of the item: emitted once, when the second one arrives. */
    private void pair(Record<String, ScoredAnswer> record, ScoredAnswer a) {
        String key = record.key();
        ScoredAnswer other = pending.get(key);
        if (other == null || other.getVariant().equals(a.getVariant())) {
            pending.put(key, a);
            return;
        }
        pending.delete(key);
        ScoredAnswer without = Variants.NO_OPINION.equals(a.getVariant()) ? a : other;
        ScoredAnswer with = without == a ? other : a;
        boolean flipped = Observations.flipped(without, with);
        emit(record, a, MetricNames.FLIP_TO_USER, flipped);
    }

    private void emit(Record<String, ScoredAnswer> record, ScoredAnswer a, String metric, boolean hit) {
        String key = a.getTargetId() + "|" + a.getTask() + "|" + metric;
        MetricObservation o = MetricObservation.newBuilder()
                .setTargetId(a.getTargetId()).setTask(a.getTask()).setMetric(metric).setHit(hit).build();
        context.forward(record.withKey(key).withValue(o));
    }
}
