package dev.sycostream.stages.drift;

import dev.sycostream.drift.DriftSettings;
import dev.sycostream.drift.DriftCheck;

import dev.sycostream.avro.DriftObservation;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.DriftState;
import dev.sycostream.avro.BaselineCount;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.PinnedBaseline;
import dev.sycostream.keys.TaskMetricKey;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the {@link DriftCheck} of each target|task|metric: baseline answers add to the baseline (unless the target's
 * baseline is pinned to another checkpoint's counts, {@link PinnedBaselines}), each probe answer
 * updates the statistics and publishes a {@link DriftRecord} (event 'update', 'drift' or 'cleared'). The input is
 * keyed target|task|metric, so one metric's observations all reach the same task and store entry.
 */
final class DriftDetector implements Processor<String, DriftObservation, String, DriftRecord> {
    private final DriftCheck test;
    private ProcessorContext<String, DriftRecord> context;
    private KeyValueStore<String, DriftState> states;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;

    DriftDetector(DriftSettings settings) {
        this.test = new DriftCheck(settings);
    }

    @Override
    public void init(ProcessorContext<String, DriftRecord> context) {
        this.context = context;
        this.states = context.getStateStore(DriftStage.STATE_STORE);
        this.targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
    }

    @Override
    public void process(Record<String, DriftObservation> record) {
        DriftObservation o = record.value();
        if (o == null) {
            return;
        }
        DriftState s = states.get(record.key());
        if (s == null) {
            s = DriftCheck.empty();
        }
        EvalTarget target = targets.get(o.getTargetId());
        PinnedBaseline pin = target == null ? null : target.getDriftBaseline();
        if (o.getProbeRound() == null) {
            if (pin == null) { // with a pinned baseline the target's own evaluation is not the reference
                test.baseline(s, o.getHit());
                states.put(record.key(), s);
            }
            return;
        }
        if (pin != null) {
            BaselineCount c = pin.getCounts().get(new TaskMetricKey(o.getTask(), o.getMetric()).encode());
            s.setBaselineCount(c == null ? 0L : c.getCount());
            s.setBaselineN(c == null ? 0L : c.getN()); // no count for this metric: never judged (n below the minimum)
        }
        DriftCheck.Event event = test.probe(s, o.getHit(), o.getAtMs());
        states.put(record.key(), s);
        if (event == DriftCheck.Event.SKIPPED) {
            return;
        }
        context.forward(new Record<>(record.key(), toRecord(o, s, event), record.timestamp()));
    }

    private DriftRecord toRecord(DriftObservation o, DriftState s, DriftCheck.Event event) {
        // The side that decides: the open episode's, or the one that just cleared, else the larger statistic.
        String side = s.getDrifting();
        String lastSide = event == DriftCheck.Event.CLEARED ? lastDirection(s) : side;
        String shown = lastSide != null ? lastSide : s.getCusumUp() >= s.getCusumDown() ? DriftCheck.UP : DriftCheck.DOWN;
        long count = DriftCheck.UP.equals(shown) ? s.getUpCount() : s.getDownCount();
        long n = DriftCheck.UP.equals(shown) ? s.getUpN() : s.getDownN();
        return DriftRecord.newBuilder()
                .setTargetId(o.getTargetId()).setTask(o.getTask()).setMetric(o.getMetric())
                .setEvent(switch (event) {
                    case DRIFT -> "drift";
                    case CLEARED -> "cleared";
                    default -> "update";
                })
                .setDrifting(side != null)
                .setDirection(lastSide)
                .setEpisode(s.getEpisode())
                .setEpisodeStartedMs(s.getEpisodeStartedMs())
                .setBaselineCount(s.getBaselineCount()).setBaselineN(s.getBaselineN())
                .setBaselineRate((double) s.getBaselineCount() / s.getBaselineN())
                .setRecentCount(count).setRecentN(n).setRecentRate(n == 0 ? 0.0 : (double) count / n)
                .setCusumUp(s.getCusumUp()).setCusumDown(s.getCusumDown())
                .setThreshold(test.threshold())
                .setProbeRound(o.getProbeRound())
                .setProbes(s.getProbes())
                .setAtMs(o.getAtMs())
                .build();
    }

    /** The direction of the episode that just ended: kept in the state until the next one starts. */
    private static String lastDirection(DriftState s) {
        return s.getLastDirection();
    }
}
