package dev.sycostream.web;

import dev.sycostream.identity.Provenance;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.json.Json;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.keys.ResultKey;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.report.UsageFormatter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The REST API as plain functions of {@link DashboardData} and the query parameters, each returning a status and a
 * JSON body (the HTTP layer, {@link DashboardServer}, only routes and writes). Field names are those of the demo's
 * {@code --json}: {@code target, task, metric, window, count, n, rate, ci_low, ci_high}.
 */
public final class Api {
    static final ObjectMapper JSON = Json.MAPPER;

    /** Order: target, task, metric, cumulative first, then windows by start. */
    static final Comparator<MetricResult> ORDER = Comparator
            .comparing(MetricResult::getTargetId)
            .thenComparing(MetricResult::getTask)
            .thenComparing(MetricResult::getMetric)
            .thenComparing(r -> !MetricNames.CUMULATIVE.equals(r.getWindow()))
            .thenComparing(MetricResult::getWindow)
            .thenComparing(MetricResult::getWindowStartMs, Comparator.nullsFirst(Comparator.naturalOrder()));

    public record Response(int status, String body) {
    }

    private final DashboardData data;

    public Api(DashboardData data) {
        this.data = data;
    }

    /** {@code GET /api/targets}: {@code {"targets":[{target, model, checkpoint, backend, params, active, registered_at_ms}]}}. */
    public Response targets() {
        return guarded(() -> {
            List<Map<String, Object>> list = new ArrayList<>();
            data.targets().stream().sorted(Comparator.comparing(EvalTarget::getTargetId)).forEach(t -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("target", t.getTargetId());
                o.put("model", t.getModel());
                o.put("checkpoint", t.getCheckpoint());
                o.put("backend", t.getBackend());
                o.put("params", new TreeMap<>(t.getParams()));
                o.put("active", t.getActive());
                o.put("registered_at_ms", t.getRegisteredAtMs());
                list.add(o);
            });
            return Map.of("targets", list);
        });
    }

    /**
     * {@code GET /api/metrics?target=&task=&metric=&window=}: the latest results, each filter optional.
     * {@code window} is {@code cumulative}, a window size such as {@code PT1M} (every window of that size, by start),
     * or {@code all} (the default).
     */
    public Response metrics(Map<String, String> query) {
        return guarded(() -> {
            String target = query.get("target");
            String task = query.get("task");
            String metric = query.get("metric");
            String window = query.getOrDefault("window", "all");
            if (MetricNames.CUMULATIVE.equals(window) && Stream.of(target, task, metric).allMatch(CompositeKey::isValidPart)) {
                // one key: asked of the instance that owns it, not of every instance
                return Map.of("results", data.result(new ResultKey(target, task, metric, window))
                        .map(Api::result).stream().toList());
            }
            List<Map<String, Object>> list = data.results().stream()
                    .filter(r -> target == null || target.equals(r.getTargetId()))
                    .filter(r -> task == null || task.equals(r.getTask()))
                    .filter(r -> metric == null || metric.equals(r.getMetric()))
                    .filter(r -> "all".equals(window) || window.equals(r.getWindow()))
                    .sorted(ORDER)
                    .map(Api::result).toList();
            return Map.of("results", list);
        });
    }

    /**
     * {@code GET /api/progress}: per target, answers counted so far (the n of its cumulative {@code unparseable}
     * results, which every answer counts in) and, when the stored dataset items are known, the requests expected
     * ({@code null} otherwise) and whether every metric has reached its expected n.
     */
    public Response progress() {
        return guarded(() -> {
            List<MetricResult> results = data.results();
            Optional<ExpectedCounts> expected = data.expected();
            TreeSet<String> targets = new TreeSet<>();
            data.targets().forEach(t -> targets.add(t.getTargetId()));
            results.forEach(r -> targets.add(r.getTargetId()));
            List<Map<String, Object>> list = new ArrayList<>();
            for (String target : targets) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("target", target);
                o.put("answered", ExpectedCounts.answersSeen(results, List.of(target)));
                o.put("expected", expected.map(ExpectedCounts::requestsPerTarget).orElse(null));
                o.put("complete", expected.map(e -> e.complete(List.of(target), results)).orElse(false));
                list.add(o);
            }
            return Map.of("progress", list);
        });
    }

    /**
     * {@code GET /api/datasets}: per task, the files and generators its stored items were read from:
     * {@code {"datasets":[{task, fingerprint, short, source, items}]}} ({@code fingerprint} is {@code sha256:HEX} or
     * the generator).
     */
    public Response datasets() {
        return guarded(() -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Provenance.TaskSource s : data.datasets()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("task", s.task());
                o.put("fingerprint", s.fingerprint());
                o.put("short", s.shortFingerprint());
                o.put("source", s.source());
                o.put("items", s.items());
                list.add(o);
            }
            return Map.of("datasets", list);
        });
    }

    /**
     * {@code GET /api/usage?target=}: per target × task, cumulative, evaluation and probe requests alike:
     * {@code {"usage":[{target, task, requests, prompt_tokens, completion_tokens, cost_usd}]}}, cost null for a target
     * without prices; the same rows as {@code report --json}.
     */
    public Response usage(Map<String, String> query) {
        return guarded(() -> {
            String target = query.get("target");
            return Map.of("usage", UsageFormatter.rows(data.usage().stream()
                    .filter(u -> target == null || target.equals(u.getTargetId())).toList()));
        });
    }

    /** One result as a JSON object. */
    public static Map<String, Object> result(MetricResult r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("target", r.getTargetId());
        o.put("task", r.getTask());
        o.put("metric", r.getMetric());
        o.put("window", r.getWindow());
        o.put("window_start_ms", r.getWindowStartMs());
        o.put("window_end_ms", r.getWindowEndMs());
        o.put("count", r.getCount());
        o.put("n", r.getN());
        o.put("rate", r.getRate());
        o.put("ci_low", r.getCiLow());
        o.put("ci_high", r.getCiHigh());
        o.put("score_mean", r.getScoreMean());
        o.put("score_n", r.getScoreN());
        o.put("updated_at_ms", r.getUpdatedAtMs());
        return o;
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static Response error(int status, String message) {
        return new Response(status, toJson(Map.of("error", message)));
    }

    private interface Body {
        Object get();
    }

    private static Response guarded(Body body) {
        try {
            return new Response(200, toJson(body.get()));
        } catch (DashboardData.NotReadyException e) {
            return error(503, e.getMessage());
        }
    }
}
