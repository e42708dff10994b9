package dev.sycostream.stages.pushback;

import dev.sycostream.avro.ModelRequest;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Forwards the turn-2 requests of a turn-1 answer joined with its request, keyed by their request ids. */
final class PushbackEmitter implements Processor<String, FirstTurnWithRequest, String, ModelRequest> {
    private ProcessorContext<String, ModelRequest> context;

    @Override
    public void init(ProcessorContext<String, ModelRequest> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, FirstTurnWithRequest> record) {
        FirstTurnWithRequest v = record.value();
        if (v == null) {
            return;
        }
        for (ModelRequest turn2 : SecondTurnRequests.of(v.request(), v.answer(), context.currentSystemTimeMs())) {
            context.forward(record.withKey(turn2.getRequestId()).withValue(turn2));
        }
    }
}
