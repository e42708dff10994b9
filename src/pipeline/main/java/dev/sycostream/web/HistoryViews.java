package dev.sycostream.web;

import dev.sycostream.avro.Alert;
import dev.sycostream.avro.Comparison;
import dev.sycostream.compare.CompareFormatter;
import dev.sycostream.history.Comparer;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's comparison view and alert banner, read from the topics (not the app's stores): a comparison
 * pairs two targets' scored answers item by item, which only {@code sycostream.eval.scored} holds, and alerts
 * are the records of {@code sycostream.alerts}, written by the alert stage.
 */
public final class HistoryViews {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final ProbingView probing;

    public HistoryViews(Map<String, Object> clientConfig, Topics topics) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topics = topics;
        this.probing = new ProbingView(clientConfig, topics);
    }

    /** {@code GET /api/probing}: probe rounds and drift episodes, see {@link ProbingView}. */
    public Api.Response probing() {
        return probing.probing();
    }

    /** {@code GET /api/compare?base=T1&candidate=T2[&alpha=0.05]}: the rows of {@code sycostream compare --json}. */
    public Api.Response compare(Map<String, String> query) {
        String base = query.get("base");
        String candidate = query.get("candidate");
        if (base == null || base.isBlank() || candidate == null || candidate.isBlank()) {
            return Api.error(400, "give both targets: /api/compare?base=T1&candidate=T2[&alpha=0.05]");
        }
        double alpha;
        try {
            alpha = Double.parseDouble(query.getOrDefault("alpha", "0.05"));
        } catch (NumberFormatException e) {
            return Api.error(400, "alpha must be a number, got '" + query.get("alpha") + "'");
        }
        try {
            List<Comparison> rows = new Comparer(clientConfig, topics).compare(base, candidate, alpha, READ_TIMEOUT);
            return new Api.Response(200, "{\"comparisons\":" + CompareFormatter.json(rows) + "}");
        } catch (IllegalArgumentException e) {
            return Api.error(400, e.getMessage());
        }
    }

    /**
     * {@code GET /api/alerts}: the alerts currently firing (the latest record per rule × target × task × metric
     * has {@code firing = true}), for the banner.
     */
    public Api.Response alerts() {
        Map<String, Alert> latest = new TreeMap<>();
        TopicSnapshot.read(clientConfig, topics.alerts(), null, READ_TIMEOUT, r -> {
            if (r.value() != null) {
                latest.put(r.key(), r.value());
            }
        });
        List<Map<String, Object>> firing = new ArrayList<>();
        latest.values().stream().filter(Alert::getFiring).forEach(a -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rule", a.getRule());
            o.put("target", a.getTargetId());
            o.put("task", a.getTask());
            o.put("metric", a.getMetric());
            o.put("rate", a.getRate());
            o.put("ci_low", a.getCiLow());
            o.put("ci_high", a.getCiHigh());
            o.put("at_ms", a.getAtMs());
            firing.add(o);
        });
        try {
            return new Api.Response(200, Api.JSON.writeValueAsString(Map.of("firing", firing)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write alerts as JSON", e);
        }
    }
}
