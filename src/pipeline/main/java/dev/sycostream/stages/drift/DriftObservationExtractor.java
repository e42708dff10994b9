package dev.sycostream.stages.drift;

import dev.sycostream.avro.DriftObservation;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.keys.MetricKey;
import dev.sycostream.metrics.Observations;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Scored answers of probed targets → 0/1 observations keyed "target|task|metric", for the drift test. Answers of
 * targets without a probe schedule are dropped here, so drift detection costs the evaluation of unprobed targets
 * one lookup in the (global) targets store and no repartitioned record.
 *
 * <p>The metrics are {@link Observations#of}'s, the same definitions as the evaluation metrics; {@code flip_to_user}
 * is not tested for drift (it needs both variants of an item, which a probe round sends but the baseline pairs
 * differently), {@code agree_wrong_with_opinion} carries the same change.
 */
final class DriftObservationExtractor implements Processor<String, ScoredAnswer, String, DriftObservation> {
    private ProcessorContext<String, DriftObservation> context;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;

    @Override
    public void init(ProcessorContext<String, DriftObservation> context) {
        this.context = context;
        this.targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
    }

    @Override
    public void process(Record<String, ScoredAnswer> record) {
        ScoredAnswer a = record.value();
        if (a == null || a.getRetracted()) {
            return; // a retraction takes back an evaluation count; drift watches answers as they come
        }
        EvalTarget target = targets.get(a.getTargetId());
        if (target == null || target.getProbe() == null
                || (a.getProbeRound() == null && target.getDriftBaseline() != null)) {
            return; // not probed, or an evaluation answer that a pinned baseline makes irrelevant
        }
        long at = a.getProbeRoundAtMs() != null ? a.getProbeRoundAtMs() : record.timestamp();
        for (Observations.Observation o : Observations.of(a)) {
            String key = new MetricKey(a.getTargetId(), a.getTask(), o.metric()).encode();
            context.forward(record.withKey(key).withValue(new DriftObservation(a.getTargetId(), a.getTask(), o.metric(),
                    o.hit(), a.getProbeRound(), at)));
        }
    }
}
