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
 * "target_id|item_id" so both variants of an item meet in the same metrics task.
 */
final class FirstReplyScorer implements Processor<String, RequestWithReply, String, ScoredAnswer> {
    private ProcessorContext<String, ScoredAnswer> context;
    private KeyValueStore<String, Long> scored;

    @Override
    public void init(ProcessorContext<String, ScoredAnswer> context) {
        this.context = context;
        scored = context.getStateStore(ScoringStage.SCORED_IDS_STORE);
    }

    @Override
    public void process(Record<String, RequestWithReply> record) {
        if (record.value() == null || scored.get(record.key()) != null) {
            return; // a join retraction, or a request that was scored already: counted once
        }
        ScoredAnswer answer = Scorer.score(record.value().request(), record.value().reply(), record.timestamp());
        scored.put(record.key(), record.timestamp());
        context.forward(record.withKey(new TargetItemKey(answer.getTargetId(), answer.getItemId()).encode()).withValue(answer));
    }
}
