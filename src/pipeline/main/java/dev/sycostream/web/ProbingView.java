package dev.sycostream.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.stages.views.HistoryStores;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/probing}: the probe rounds and drift episodes of the last {@link HistoryStores#HORIZON} and the
 * latest drift state per target × task × metric, for the dashboard's probing chart and episode table. From the views
 * stage's stores ({@link HistoryStores}): two time-range fetches and one small table, so a poll costs what the last
 * day holds, not the topics' 30 days, and opens no consumer.
 */
public final class ProbingView {
    private static final Comparator<Map<String, Object>> BY_TIME = Comparator
            .comparing((Map<String, Object> o) -> (Long) o.get("at_ms"))
            .thenComparing(o -> (String) o.get("target"));

    private final StoreReader stores;

    public ProbingView(StoreReader stores) {
        this.stores = stores;
    }

    public Api.Response probing() {
        long now = System.currentTimeMillis();
        long from = now - HistoryStores.HORIZON.toMillis();
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (ProbeRound p : stores.<ProbeRound>inRange(HistoryStores.PROBE_ROUNDS_STORE, from, now)) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("target", p.getTargetId());
            o.put("round", p.getRound());
            o.put("at_ms", p.getAtMs());
            o.put("requests", p.getRequests());
            o.put("sent_in_period", p.getSentInPeriod());
            o.put("budget_requests", p.getBudgetRequests());
            o.put("budget_period_ms", p.getBudgetPeriodMs());
            // with a spend budget (else null): the cap, what the period is charged, the settled total
            o.put("spend_unit", p.getSpendUnit());
            o.put("spend_limit", p.getSpendLimit());
            o.put("spend_in_period", p.getSpendInPeriod());
            o.put("spent_total", p.getSpentTotal());
            rounds.add(o);
        }
        rounds.sort(BY_TIME);
        List<Map<String, Object>> edges = new ArrayList<>(stores.<DriftRecord>inRange(HistoryStores.DRIFT_EPISODES_STORE,
                from, now).stream().map(ProbingView::json).toList());
        edges.sort(BY_TIME);
        List<Map<String, Object>> states = stores.<DriftRecord>entries(HistoryStores.DRIFT_STATES_STORE).stream()
                .map(kv -> json(kv.value)).toList();
        try {
            return new Api.Response(200, Api.JSON.writeValueAsString(Map.of("rounds", rounds, "episodes", edges,
                    "drift", states)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write probing data as JSON", e);
        }
    }

    private static Map<String, Object> json(DriftRecord d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("target", d.getTargetId());
        o.put("task", d.getTask());
        o.put("metric", d.getMetric());
        o.put("event", d.getEvent());
        o.put("drifting", d.getDrifting());
        o.put("direction", d.getDirection());
        o.put("episode", d.getEpisode());
        o.put("episode_started_ms", d.getEpisodeStartedMs());
        o.put("baseline_rate", d.getBaselineRate());
        o.put("baseline_n", d.getBaselineN());
        o.put("recent_rate", d.getRecentRate());
        o.put("recent_n", d.getRecentN());
        o.put("cusum_up", d.getCusumUp());
        o.put("cusum_down", d.getCusumDown());
        o.put("threshold", d.getThreshold());
        o.put("round", d.getProbeRound());
        o.put("probes", d.getProbes());
        o.put("at_ms", d.getAtMs());
        return o;
    }
}
