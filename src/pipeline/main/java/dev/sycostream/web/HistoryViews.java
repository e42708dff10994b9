package dev.sycostream.web;

import dev.sycostream.avro.Alert;
import dev.sycostream.stages.views.HistoryStores;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's comparison view, alert banner and probing view, all from the pipeline's stores: comparisons from
 * the comparison stage's ({@link ComparisonView}), alerts and probing from the views stage's ({@link HistoryStores},
 * {@link ProbingView}). No call reads a topic.
 */
public final class HistoryViews {
    private final StoreReader stores;
    private final ProbingView probing;
    private final ComparisonView comparisons;

    public HistoryViews(StoreReader stores, ComparisonView comparisons) {
        this.stores = stores;
        this.probing = new ProbingView(stores);
        this.comparisons = comparisons;
    }

    /** {@code GET /internal/store}: this instance's part of a shared store, for a peer; see {@link StoreReader#internal}. */
    public Api.Response internalStore(Map<String, String> query) {
        return stores.internal(query);
    }

    /** {@code GET /internal/compare}: this instance's part of a comparison, for a peer; see {@link ComparisonView#internal}. */
    public Api.Response internalCompare(Map<String, String> query) {
        return comparisons.internal(query);
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
     * {@code GET /api/alerts}: the alerts currently firing (the latest record per rule × target × task × metric,
     * {@value HistoryStores#ALERTS_STORE}, has {@code firing = true}), for the banner.
     */
    public Api.Response alerts() {
        Map<String, Alert> latest = new TreeMap<>();
        stores.<Alert>entries(HistoryStores.ALERTS_STORE).forEach(kv -> latest.put(kv.key, kv.value));
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
