package dev.sycostream.stages.probing;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ProbeSpend;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.probing.SpendLedger;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Settles probe rounds from their scored answers (keyed by target, on the one partition of
 * {@value ProbeStage#SPEND_REPARTITION}, so in the scheduler's task and store): each answer's cost in pico-USD or its
 * prompt + completion tokens, in the unit of the target's spend budget. Answers of targets without one are ignored.
 */
final class SpendSettler implements Processor<String, ScoredAnswer, Void, Void> {
    private KeyValueStore<String, ProbeSpend> store;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ProbeStage.SPEND_STORE);
        targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
    }

    @Override
    public void process(Record<String, ScoredAnswer> record) {
        ScoredAnswer a = record.value();
        if (a == null || a.getProbeRound() == null) {
            return;
        }
        EvalTarget target = targets.get(a.getTargetId());
        if (target == null || target.getProbe() == null || target.getProbe().getSpendLimit() == null) {
            return;
        }
        Long spend;
        if (ProbeBudgets.PICO_USD.equals(target.getProbe().getSpendUnit())) {
            spend = a.getCostPicoUsd();
        } else {
            spend = a.getPromptTokens() == null && a.getCompletionTokens() == null ? null
                    : (a.getPromptTokens() == null ? 0 : a.getPromptTokens()) + (a.getCompletionTokens() == null ? 0 : a.getCompletionTokens());
        }
        SpendLedger ledger = new SpendLedger(store.get(a.getTargetId()));
        ledger.settle(a.getProbeRound(), spend);
        store.put(a.getTargetId(), ledger.state());
    }
}
