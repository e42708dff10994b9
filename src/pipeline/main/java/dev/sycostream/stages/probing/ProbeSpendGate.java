package dev.sycostream.stages.probing;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ProbeBudget;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.avro.ProbeSpend;
import dev.sycostream.probing.SpendBounds;
import dev.sycostream.probing.SpendLedger;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The spend side of a target's probe budget ({@code --probe 2usd/d}, {@code 50000tok/h}) for {@link ProbeScheduler}:
 * a round goes only if the target's {@link SpendLedger} (in {@value ProbeStage#SPEND_STORE}) says it fits and is due,
 * and is then reserved at its upper bound ({@link SpendBounds}); {@link SpendSettler} settles it from the answers.
 * Targets without a spend budget pass unchecked.
 */
final class ProbeSpendGate {
    private static final Logger log = LoggerFactory.getLogger(ProbeSpendGate.class);
    private final KeyValueStore<String, ProbeSpend> store;
    private final java.util.Set<String> unusable = new java.util.HashSet<>();

    ProbeSpendGate(KeyValueStore<String, ProbeSpend> store) {
        this.store = store;
    }

    /** Whether a round of these prompts may be sent now under the target's spend budget (always, without one). */
    boolean allows(EvalTarget target, List<String> prompts, long now) {
        ProbeBudget b = target.getProbe();
        if (b.getSpendLimit() == null) {
            return true;
        }
        long bound;
        try {
            bound = bound(target, prompts);
        } catch (IllegalArgumentException e) {
            // a USD budget without prices (registration refuses it; a target written around it): never probed
            if (unusable.add(target.getTargetId())) {
                log.error("target {} is not probed: {}", target.getTargetId(), e.getMessage());
            }
            return false;
        }
        SpendLedger ledger = new SpendLedger(store.get(target.getTargetId()));
        return ledger.fits(bound, now, b.getSpendPeriodMs(), b.getSpendLimit())
                && ledger.due(prompts.size(), bound, now, b.getSpendPeriodMs(), b.getSpendLimit());
    }

    /** Reserves the round sent now and shows the spend in its record. */
    void reserve(EvalTarget target, long round, List<String> prompts, long now, ProbeRound record) {
        ProbeBudget b = target.getProbe();
        if (b.getSpendLimit() == null) {
            return;
        }
        SpendLedger ledger = new SpendLedger(store.get(target.getTargetId()));
        ledger.reserve(round, prompts.size(), bound(target, prompts), now, b.getSpendPeriodMs());
        store.put(target.getTargetId(), ledger.state());
        record.setSpendUnit(b.getSpendUnit());
        record.setSpendLimit(b.getSpendLimit());
        record.setSpendInPeriod(ledger.charged(now, b.getSpendPeriodMs()));
        record.setSpentTotal(ledger.state().getSettledTotal());
    }

    private static long bound(EvalTarget target, List<String> prompts) {
        long sum = 0;
        for (String p : prompts) {
            sum += SpendBounds.request(target.getProbe().getSpendUnit(), target.getBackend(), target.getParams(), p);
        }
        return sum;
    }
}
