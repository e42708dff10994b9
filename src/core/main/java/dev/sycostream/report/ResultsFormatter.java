package dev.sycostream.report;

import dev.sycostream.identity.Provenance;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.json.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders metric results for people (an aligned table) and for programs (JSON). */
public final class ResultsFormatter {
    private static final ObjectMapper MAPPER = Json.MAPPER;
    private static final List<String> HEADERS = List.of("target", "task", "metric", "window", "count", "n", "rate", "95% CI");
    /** The optional last column: the mean probability the model put on the user's answer (logprob scoring). */
    private static final String SCORE_HEADER = "mean p(user)";
    /** Numeric columns are right-aligned so digits line up (the optional score column too). */
    private static final boolean[] RIGHT = {false, false, false, false, true, true, true, false};

    private ResultsFormatter() {
    }

    /**
     * A JSON array with one object per result and the fields
     * {@code target, task, metric, window, count, n, rate, ci_low, ci_high}, in that order, followed by
     * {@code score_mean, score_n} for results with a continuous score (answers scored with log-probabilities).
     * Numbers are written at full precision: rounding is the reader's choice.
     */
    public static String json(List<MetricResult> results) {
        try {
            return MAPPER.writeValueAsString(array(results));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write metric results as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * What {@code report --json} and {@code demo --json} print: one object
     * {@code {"metrics": [...], "usage": [...]}}, the metrics as in {@link #json(List)} and the usage per target × task
     * as in {@link UsageFormatter#row} ({@code target, task, requests, prompt_tokens, completion_tokens, cost_usd},
     * cost null for a target without prices).
     */
    public static String json(List<MetricResult> results, List<UsageResult> usage) {
        return json(results, usage, List.of());
    }

    /**
     * As above, plus {@code "datasets"}: per task of the results, the files and generators behind its items
     * ({@code task, fingerprint} ({@code sha256:<64 hex>} or the generator){@code , source, items}).
     */
    public static String json(List<MetricResult> results, List<UsageResult> usage, List<Provenance.TaskSource> sources) {
        return json(results, usage, sources, List.of());
    }

    /**
     * As above, plus {@code "replay_caps"}: the ledger of each target with a replay cost cap, as in
     * {@link ReplayCapFormatter#row} (spent, sent, answered, left unevaluated per task).
     */
    public static String json(List<MetricResult> results, List<UsageResult> usage, List<Provenance.TaskSource> sources,
                              List<dev.sycostream.avro.ReplaySpend> caps) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("metrics", array(results));
        root.set("usage", MAPPER.valueToTree(UsageFormatter.rows(usage)));
        java.util.Set<String> tasks = new java.util.HashSet<>();
        results.forEach(r -> tasks.add(r.getTask()));
        ArrayNode datasets = root.putArray("datasets");
        for (Provenance.TaskSource s : sources) {
            if (tasks.contains(s.task())) {
                datasets.addObject().put("task", s.task()).put("fingerprint", s.fingerprint()).put("source", s.source())
                        .put("items", s.items());
            }
        }
        root.set("replay_caps", MAPPER.valueToTree(ReplayCapFormatter.rows(caps)));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON: " + e.getMessage(), e);
        }
    }

    private static ArrayNode array(List<MetricResult> results) {
        ArrayNode array = MAPPER.createArrayNode();
        for (MetricResult r : results) {
            ObjectNode o = array.addObject();
            o.put("target", r.getTargetId());
            o.put("task", r.getTask());
            o.put("metric", r.getMetric());
            o.put("window", r.getWindow());
            o.put("count", r.getCount());
            o.put("n", r.getN());
            o.put("rate", r.getRate());
            o.put("ci_low", r.getCiLow());
            o.put("ci_high", r.getCiHigh());
            if (r.getScoreMean() != null) {
                o.put("score_mean", r.getScoreMean());
                o.put("score_n", r.getScoreN());
            }
        }
        return array;
    }

    /**
     * A plain-text table with columns target, task, metric, window, count, n, rate, 95% CI; rates and bounds to
     * 3 decimals; when any result has a continuous score, a last column "mean p(user)" shows it (empty in rows
     * without one). A windowed row shows its window as {@code PT1M@<start instant>} so the rows of successive
     * windows of one metric can be told apart. Lines end with '\n'; no trailing spaces.
     */
    public static String table(List<MetricResult> results) {
        boolean scores = results.stream().anyMatch(r -> r.getScoreMean() != null);
        List<List<String>> rows = new ArrayList<>();
        List<String> headers = new ArrayList<>(HEADERS);
        if (scores) {
            headers.add(SCORE_HEADER);
        }
        rows.add(headers);
        for (MetricResult r : results) {
            List<String> row = new ArrayList<>(List.of(r.getTargetId(), r.getTask(), r.getMetric(), window(r),
                    Long.toString(r.getCount()), Long.toString(r.getN()), decimal(r.getRate()),
                    "[" + decimal(r.getCiLow()) + ", " + decimal(r.getCiHigh()) + "]"));
            if (scores) {
                row.add(r.getScoreMean() == null ? "" : decimal(r.getScoreMean()));
            }
            rows.add(row);
        }
        int[] widths = new int[headers.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i >= RIGHT.length || RIGHT[i] ? pad + cell : cell + pad);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The files and generators behind the tasks of {@code results}, one line each, under a heading; empty when none
     * is known. Full SHA-256 digests are in {@code /api/datasets} and in every item.
     */
    public static String datasets(List<MetricResult> results, List<Provenance.TaskSource> sources) {
        java.util.Set<String> tasks = new java.util.HashSet<>();
        results.forEach(r -> tasks.add(r.getTask()));
        List<Provenance.TaskSource> shown = sources.stream().filter(s -> tasks.contains(s.task())).toList();
        if (shown.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("datasets behind these numbers (task, fingerprint, items, source):\n");
        for (Provenance.TaskSource s : shown) {
            sb.append("  ").append(s.task()).append("  ").append(s.shortFingerprint()).append("  ").append(s.items())
                    .append("  ").append(s.source()).append('\n');
        }
        return sb.toString();
    }

    private static String window(MetricResult r) {
        return r.getWindowStartMs() == null ? r.getWindow()
                : r.getWindow() + "@" + Instant.ofEpochMilli(r.getWindowStartMs());
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
