package dev.sycostream.stages.budget;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.budget.ReplaySpendLedger;
import dev.sycostream.budget.RequestCostBound;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The replay caps' bookkeeping over the stage's three stores, shared by the gate (requests) and the settlement
 * (scored answers), which run in the one task of the stage's single-partition topics:
 * <ul>
 *   <li>{@value ReplayBudgetStage#LEDGER_STORE}: a {@link ReplaySpend} per target;</li>
 *   <li>{@value ReplayBudgetStage#RESERVATIONS_STORE}: {@code target|request_id} → the pico-USD reserved for a
 *       request in flight, or {@value #SETTLED} once its answer is settled (so a request sent again, e.g. by the
 *       rescan of a new registration, is neither reserved nor paid twice);</li>
 *   <li>{@value ReplayBudgetStage#HELD_STORE}: {@code target|request_id} → a request held back by the cap, released
 *       in key order as settlements make room.</li>
 * </ul>
 */
final class ReplayBudgetBook {
    static final long SETTLED = -1L;

    private final KeyValueStore<String, ReplaySpend> ledgers;
    private final KeyValueStore<String, Long> reservations;
    private final KeyValueStore<String, ModelRequest> held;
    private final ReadOnlyKeyValueStore<String, EvalTarget> targets;
    private final ProcessorContext<?, ?> context;
    /** Targets whose ledger changed since the last publication (lost on a crash: then every ledger is published). */
    private final Set<String> changed = new HashSet<>();
    private boolean publishAll = true;

    ReplayBudgetBook(ProcessorContext<?, ?> context) {
        this.context = context;
        ledgers = context.getStateStore(ReplayBudgetStage.LEDGER_STORE);
        reservations = context.getStateStore(ReplayBudgetStage.RESERVATIONS_STORE);
        held = context.getStateStore(ReplayBudgetStage.HELD_STORE);
        targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
    }

    /** A request of a capped target: sent if its reservation fits, else held. Retired copies always pass. */
    void admit(ModelRequest request, Consumer<ModelRequest> send) {
        EvalTarget target = targets.get(request.getTargetId());
        if (target == null || target.getMaxCostPicoUsd() == null) {
            send.accept(request); // the cap was lifted after the request was routed here
            return;
        }
        ReplaySpendLedger ledger = ledger(target);
        String key = CompositeKey.join(request.getTargetId(), request.getRequestId());
        boolean wasHeld = held.get(key) != null;
        if (request.getRetired()) {
            if (wasHeld) {
                held.delete(key); // its item is gone: never to be sent, no longer left unevaluated
                ledger.unhold(request.getTask());
            }
            send.accept(request); // free: the worker skips it, the scorer takes back what was counted
        } else {
            // first what was held (the cap may have been raised), so a new request never overtakes them
            release(target.getTargetId(), ledger, send);
            if (!wasHeld && reservations.get(key) == null) { // else sent again by a rescan: in flight, paid or held already
                long bound = RequestCostBound.picoUsd(request);
                if (!ledger.holding() && ledger.fits(bound)) {
                    ledger.reserve(bound);
                    reservations.put(key, bound);
                    send.accept(request);
                } else {
                    held.put(key, request);
                    ledger.hold(request.getTask());
                }
            }
        }
        save(target.getTargetId(), ledger);
    }

    /** A scored evaluation answer of a capped target: its reservation is replaced by its cost; held ones may go. */
    void settle(ScoredAnswer answer, Consumer<ModelRequest> send) {
        EvalTarget target = targets.get(answer.getTargetId());
        String key = CompositeKey.join(answer.getTargetId(), answer.getRequestId());
        Long reserved = reservations.get(key);
        if (target == null || target.getMaxCostPicoUsd() == null || reserved == null || reserved == SETTLED) {
            return; // not sent through the gate, or settled already
        }
        ReplaySpendLedger ledger = ledger(target);
        ledger.settle(reserved, answer.getCostPicoUsd());
        reservations.put(key, SETTLED);
        release(target.getTargetId(), ledger, send);
        save(target.getTargetId(), ledger);
    }

    /** Sends held requests in key order while they fit; the first that does not fit stops it (no overtaking). */
    private void release(String targetId, ReplaySpendLedger ledger, Consumer<ModelRequest> send) {
        if (!ledger.holding()) {
            return;
        }
        String prefix = CompositeKey.prefix(targetId);
        java.util.List<ModelRequest> released = new java.util.ArrayList<>();
        try (KeyValueIterator<String, ModelRequest> it = held.range(prefix, prefix + "\uffff")) {
            while (it.hasNext()) {
                var kv = it.next();
                long bound = RequestCostBound.picoUsd(kv.value);
                if (!ledger.fits(bound)) {
                    break;
                }
                ledger.unhold(kv.value.getTask());
                ledger.reserve(bound);
                reservations.put(kv.key, bound);
                released.add(kv.value);
            }
        }
        for (ModelRequest r : released) {
            held.delete(CompositeKey.join(targetId, r.getRequestId()));
            send.accept(r);
        }
    }

    private ReplaySpendLedger ledger(EvalTarget target) {
        return ReplaySpendLedger.of(ledgers.get(target.getTargetId()), target.getTargetId(),
                target.getRegisteredAtMs(), target.getMaxCostPicoUsd());
    }

    private void save(String targetId, ReplaySpendLedger ledger) {
        ledgers.put(targetId, ledger.state(context.currentSystemTimeMs()));
        changed.add(targetId);
    }

    /** The ledgers changed since the last call (every ledger on the first call after a start). */
    void publish(Consumer<ReplaySpend> out) {
        if (publishAll) {
            try (KeyValueIterator<String, ReplaySpend> it = ledgers.all()) {
                it.forEachRemaining(kv -> out.accept(kv.value));
            }
            publishAll = false;
        } else {
            for (String t : changed) {
                ReplaySpend s = ledgers.get(t);
                if (s != null) {
                    out.accept(s);
                }
            }
        }
        changed.clear();
    }
}
