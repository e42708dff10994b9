package dev.sycostream.probing;

import dev.sycostream.avro.ProbeSpend;
import dev.sycostream.avro.SpendRound;

import java.util.ArrayList;
import java.util.List;

/**
 * A hard spend cap on a target's probes: at most {@code limit} (pico-USD or tokens) in any {@code periodMs}.
 *
 * <p>A round's spend is known only from its answers, so a round is <em>reserved</em> before it is sent, at an upper
 * bound of what it can cost ({@link SpendBounds}), and <em>settled</em> as its answers arrive. The charge of a round
 * is its reservation until every one of its answers has arrived, then what they actually cost. A round is sent only
 * if the charges of the rounds of the last period plus its own reservation fit the limit; since no round ever costs
 * more than it reserved, the settled spend of any period never exceeds the limit, whatever the answers' timing.
 *
 * <p>The reservation bounds what may be spent; the <em>running estimate</em> (the mean settled spend per answer so
 * far) paces the rounds: the next one is due once {@code periodMs × estimate of the round / limit} has passed since
 * the last, so the budget is spread over the period instead of being spent in its first minutes.
 *
 * <p>Not thread-safe; one instance per target and call, over the {@link ProbeSpend} of the store.
 */
public final class SpendLedger {
    private final ProbeSpend state;

    public SpendLedger(ProbeSpend state) {
        this.state = state == null ? ProbeSpend.newBuilder().build() : state;
    }

    public ProbeSpend state() {
        return state;
    }

    /** What the rounds sent in (now - periodMs, now] are charged: settled when fully answered, reserved until then. */
    public long charged(long now, long periodMs) {
        long sum = 0;
        for (SpendRound r : state.getRounds()) {
            if (r.getAtMs() > now - periodMs && r.getAtMs() <= now) {
                sum += charge(r);
            }
        }
        return sum;
    }

    static long charge(SpendRound r) {
        return r.getAnswered() >= r.getRequests() ? r.getSettled() : Math.max(r.getReserved(), r.getSettled());
    }

    /** Whether a round reserving {@code bound} fits the limit now. */
    public boolean fits(long bound, long now, long periodMs, long limit) {
        return charged(now, periodMs) + bound <= limit;
    }

    /**
     * Whether a round is due by the pacing: {@code periodMs × estimate / limit} since the last round, the estimate being
     * {@code requests} × the mean settled spend per answer, or {@code bound} before any answer settled.
     */
    public boolean due(int requests, long bound, long now, long periodMs, long limit) {
        List<SpendRound> rounds = state.getRounds();
        if (rounds.isEmpty()) {
            return true;
        }
        double estimate = state.getSettledRequests() == 0 ? bound
                : (double) state.getSettledTotal() / state.getSettledRequests() * requests;
        long interval = (long) Math.ceil(periodMs * estimate / limit);
        return now - rounds.get(rounds.size() - 1).getAtMs() >= interval;
    }

    /** Records round {@code round} of {@code requests} requests sent at {@code now}, reserving {@code bound}. */
    public void reserve(long round, int requests, long bound, long now, long periodMs) {
        List<SpendRound> kept = new ArrayList<>();
        for (SpendRound r : state.getRounds()) {
            // A round leaves the ledger once it is out of the period and fully answered (a late answer is still settled).
            if (r.getAtMs() > now - periodMs || r.getAnswered() < r.getRequests()) {
                kept.add(r);
            }
        }
        kept.add(new SpendRound(round, now, requests, bound, 0L, 0));
        state.setRounds(kept);
    }

    /**
     * One answer of round {@code round} cost {@code spend}; an answer whose cost is unknown (no usage reported) is
     * charged its share of the round's reservation, so the cap still holds.
     *
     * @param spend the answer's spend, or null when unknown
     */
    public void settle(long round, Long spend) {
        for (SpendRound r : state.getRounds()) {
            if (r.getRound() == round) {
                long s = spend != null ? spend : (long) Math.ceil((double) r.getReserved() / Math.max(1, r.getRequests()));
                r.setSettled(r.getSettled() + s);
                r.setAnswered(r.getAnswered() + 1);
                state.setSettledTotal(state.getSettledTotal() + s);
                state.setSettledRequests(state.getSettledRequests() + 1);
                return;
            }
        }
        if (spend != null) { // a round already out of the ledger: counted in the totals only
            state.setSettledTotal(state.getSettledTotal() + spend);
            state.setSettledRequests(state.getSettledRequests() + 1);
        }
    }
}
