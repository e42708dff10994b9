package dev.sycostream.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/probing}: the probe rounds and drift episodes of the last {@link #HORIZON}, read from
 * {@code sycostream.probe.rounds} and {@code sycostream.drift} (from the horizon on, so a month of records is not
 * re-read on every poll), for the dashboard's probing chart and episode table.
 */
public final class ProbingView {
    /** How far back the page looks. */
    static final Duration HORIZON = Duration.ofHours(24);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientConfig;
    private final Topics topics;

    public ProbingView(Map<String, Object> clientConfig, Topics topics) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topics = topics;
    }

    public Api.Response probing() {
        long from = System.currentTimeMillis() - HORIZON.toMillis();
        List<Map<String, Object>> rounds = new ArrayList<>();
        TopicSnapshot.read(clientConfig, topics.probeRounds(), from, READ_TIMEOUT, r -> {
            ProbeRound p = r.value();
            if (p != null) {
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
        });
        List<Map<String, Object>> edges = new ArrayList<>();
        Map<String, DriftRecord> latest = new TreeMap<>();
        TopicSnapshot.read(clientConfig, topics.drift(), from, READ_TIMEOUT, r -> {
            DriftRecord d = r.value();
            if (d == null) {
                return;
            }
            latest.put(r.key(), d);
            if (!"update".equals(d.getEvent())) {
                edges.add(json(d));
            }
        });
        List<Map<String, Object>> states = latest.values().stream().map(ProbingView::json).toList();
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
