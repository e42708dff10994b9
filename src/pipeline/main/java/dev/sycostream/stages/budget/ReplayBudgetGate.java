package dev.sycostream.stages.budget;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The two processors of the stage over one {@link ReplayBudgetBook}: requests of capped targets (keyed by target,
 * {@code V} = {@link ModelRequest}) are admitted or held; scored answers ({@code V} = {@link ScoredAnswer}) settle
 * and release. Both forward the requests they send, keyed by request id, and publish the changed ledgers every
 * second (wall clock), so a burst of answers writes one {@code ReplaySpend} per target, not one per answer.
 */
final class ReplayBudgetGate<V> implements Processor<String, V, String, SpecificRecord> {
    private ProcessorContext<String, SpecificRecord> context;
    private ReplayBudgetBook book;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        book = new ReplayBudgetBook(context);
        context.schedule(ReplayBudgetStage.PUBLISH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now ->
                book.publish(s -> context.forward(new Record<>(s.getTargetId(), s, now))));
    }

    @Override
    public void process(Record<String, V> record) {
        long ts = record.timestamp();
        if (record.value() instanceof ModelRequest request) {
            book.admit(request, r -> context.forward(new Record<>(r.getRequestId(), (SpecificRecord) r, ts)));
        } else if (record.value() instanceof ScoredAnswer answer) {
            book.settle(answer, r -> context.forward(new Record<>(r.getRequestId(), (SpecificRecord) r, ts)));
        }
    }
}
