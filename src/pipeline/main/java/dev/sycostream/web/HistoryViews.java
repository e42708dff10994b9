package dev.sycostream.web;

import dev.sycostream.avro.Alert;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's comparison view and alert banner: comparisons from the comparison stage's stores
 * ({@link ComparisonView}), alerts from the records of {@code sycostream.alerts}, written by the alert stage.
 */
public final class HistoryViews {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final ProbingView probing;
    private final ComparisonView comparisons;

    /** Without a pipeline: {@code /api/compare} answers 503 (its state is the pipeline's). */
    public HistoryViews(Map<String, Object> clientConfig, Topics topics) {
        this(clientConfig, topics, new ComparisonView(() -> null, clientConfig, topics));
    }

    public HistoryViews(Map<String, Object> clientConfig, Topics topics, ComparisonView comparisons) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topics = topics;
        this.probing = new ProbingView(clientConfig, topics);
        this.comparisons = comparisons;
    }

    /** {@code GET /api/probing}: probe rounds and drift episodes, see {@link ProbingView}. */
    public Api.Response probing() {
        return probing.probing();
    }

    /** {@code GET /api/compare?base=T1&candidate=T2[&alpha=0.05]}: from the comparison stage's state, see {@link ComparisonView}. */
    public Api.Response compare(Map<String, String> query) {
        return comparisons.compare(query);
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
