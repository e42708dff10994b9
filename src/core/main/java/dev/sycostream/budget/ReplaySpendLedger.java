package dev.sycostream.budget;

import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.usage.Prices;

import java.util.HashMap;
import java.util.Map;

/**
 * The spend of one target registration's replay under its hard cap. A request is sent only if what is settled, plus
 * what is reserved for requests in flight, plus its own reservation (an upper bound of its cost) fit the cap; when its
 * answer is scored, its reservation is replaced by what it cost. So settled + reserved never exceeds the cap, however
 * late the answers come, as long as every reservation is an upper bound of its cost (an answer that reports no usage
 * is charged its whole reservation).
 *
 * <p>A request that does not fit is held back; settlements (real costs are usually far below the bounds) may later
 * make room for it. Once nothing is in flight and held requests remain, none of them can ever be sent: the replay is
 * {@linkplain #exhausted() exhausted} and those requests stay unevaluated.
 */
public final class ReplaySpendLedger {
    private final ReplaySpend state;

    private ReplaySpendLedger(ReplaySpend state) {
        this.state = state;
    }

    /**
     * The ledger of a target: {@code stored} (null before its first capped request), under the cap of its current
     * registration. A target keeps one ledger over all its registrations: what its replay spent stays spent, and
     * registering it again with a higher cap lets the held requests go on.
     */
    public static ReplaySpendLedger of(ReplaySpend stored, String targetId, long registeredAtMs, long capPicoUsd) {
        if (capPicoUsd < 0) {
            throw new IllegalArgumentException("a cost cap must not be negative, got " + capPicoUsd + " pico-USD");
        }
        ReplaySpend state = stored == null
                ? ReplaySpend.newBuilder().setTargetId(targetId).setCapPicoUsd(capPicoUsd).setRegisteredAtMs(registeredAtMs)
                        .setHeldByTask(new HashMap<>()).build()
                : ReplaySpend.newBuilder(stored).setHeldByTask(new HashMap<>(stored.getHeldByTask())).build();
        state.setCapPicoUsd(capPicoUsd);
        state.setRegisteredAtMs(registeredAtMs);
        return new ReplaySpendLedger(state);
    }

    public boolean fits(long boundPicoUsd) {
        return state.getSettledPicoUsd() + state.getReservedPicoUsd() + boundPicoUsd <= state.getCapPicoUsd();
    }

    /** A request is sent with this reservation. */
    public void reserve(long boundPicoUsd) {
        if (!fits(boundPicoUsd)) {
            throw new IllegalStateException("a reservation of " + boundPicoUsd + " pico-USD does not fit the cap");
        }
        state.setReservedPicoUsd(state.getReservedPicoUsd() + boundPicoUsd);
        state.setSent(state.getSent() + 1);
    }

    public void hold(String task) {
        state.setHeld(state.getHeld() + 1);
        state.getHeldByTask().merge(task, 1L, Long::sum);
    }

    /** A held request leaves the held ones: sent now, or retired with its item. */
    public void unhold(String task) {
        state.setHeld(state.getHeld() - 1);
        Map<String, Long> byTask = state.getHeldByTask();
        if (byTask.merge(task, -1L, Long::sum) <= 0) {
            byTask.remove(task);
        }
    }

    /**
     * The answer of a request sent with {@code reservationPicoUsd} is scored.
     *
     * @param costPicoUsd what it cost; null when its reply reported no usage (then it is charged the reservation).
     *                    A cost above the reservation is charged as it is: the bound was wrong, and the ledger says so.
     */
    public void settle(long reservationPicoUsd, Long costPicoUsd) {
        state.setReservedPicoUsd(state.getReservedPicoUsd() - reservationPicoUsd);
        state.setSettledPicoUsd(state.getSettledPicoUsd() + (costPicoUsd == null ? reservationPicoUsd : costPicoUsd));
        state.setSettled(state.getSettled() + 1);
    }

    /** Requests are held and none is in flight: no settlement can make room any more. */
    public boolean exhausted() {
        return state.getHeld() > 0 && state.getReservedPicoUsd() == 0;
    }

    public boolean holding() {
        return state.getHeld() > 0;
    }

    /** The state to store and publish, stamped {@code nowMs}. */
    public ReplaySpend state(long nowMs) {
        state.setExhausted(exhausted());
        state.setCapUsd(Prices.usd(state.getCapPicoUsd()).doubleValue());
        state.setSpentUsd(Prices.usd(state.getSettledPicoUsd()).doubleValue());
        state.setUpdatedAtMs(nowMs);
        return ReplaySpend.newBuilder(state).setHeldByTask(new HashMap<>(state.getHeldByTask())).build();
    }
}
