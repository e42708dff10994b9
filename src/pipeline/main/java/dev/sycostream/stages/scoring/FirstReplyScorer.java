package dev.sycostream.stages.scoring;

import dev.sycostream.scoring.Scorer;

import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.keys.TargetItemKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each request once: the join fires again when a reply is delivered twice (a worker retry after a
 * crash) or a request is re-emitted, and counting those would inflate n. The first reply wins; the store
 * of scored request ids is changelogged, so this holds across restarts. Output is re-keyed by
 * "target_id|item_id" so both variants of an item meet in the same metrics task. A retired request (its item was
 * retired) takes a counted answer back: see {@link #retract}.
 */
final class FirstReplyScorer implements Processor<String, RequestWithReply, String, ScoredAnswer> {
    /** Value of a request id whose item was retired: not counted (any more). Real values are record times, >= 0. */
    static final long RETRACTED = -1L;
    private ProcessorContext<String, ScoredAnswer> context;
    private KeyValueStore<String, Long> scored;

    @Override
    public void init(ProcessorContext<String, ScoredAnswer> context) {
        this.context = context;
        scored = context.getStateStore(ScoringStage.SCORED_IDS_STORE);
    }

    @Override
    public void process(Record<String, RequestWithReply> record) {
        if (record.value() == null) {
            return; // a join retraction: nothing was deleted that was counted (requests are replaced, not deleted)
        }
        Long state = scored.get(record.key());
        if (record.value().request().getRetired()) {
            retract(record, state);
            return;
        }
        if (state != null && state != RETRACTED) {
            return; // scored already: counted once
        }
        // First count, or counted again after its item was retired and then ingested again.
        ScoredAnswer answer = Scorer.score(record.value().request(), record.value().reply(), record.timestamp());
        scored.put(record.key(), record.timestamp());
        context.forward(record.withKey(keyOf(answer)).withValue(answer));
    }

    /**
     * The item of this request was retired. Counted: the same answer (it is a pure function of the request and the
     * reply, and a retired request keeps the content) goes out again marked retracted, stamped with the time it was
     * counted at, so the metrics take it back from the windows it was counted in. Not counted yet: marked, so a
     * reply arriving later is never counted.
     */
    private void retract(Record<String, RequestWithReply> record, Long countedAt) {
        scored.put(record.key(), RETRACTED);
        if (countedAt == null || countedAt == RETRACTED) {
            return;
        }
        ScoredAnswer answer = Scorer.score(record.value().request(), record.value().reply(), countedAt);
        answer.setRetracted(true);
        context.forward(record.withKey(keyOf(answer)).withValue(answer).withTimestamp(countedAt));
    }

    private static String keyOf(ScoredAnswer answer) {
        return new TargetItemKey(answer.getTargetId(), answer.getItemId()).encode();
    }
}
