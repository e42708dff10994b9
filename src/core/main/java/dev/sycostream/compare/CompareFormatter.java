package dev.sycostream.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sycostream.avro.Comparison;
import dev.sycostream.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code compare} output: a JSON array (one object per task and metric) or a plain-text table. */
public final class CompareFormatter {
    private static final ObjectMapper MAPPER = Json.MAPPER;
    private static final List<String> HEADERS = List.of("task", "metric", "base", "base 95% CI", "candidate",
            "candidate 95% CI", "diff", "pairs", "b", "c", "p", "verdict");

    private CompareFormatter() {
    }

    /**
     * Fields: base, candidate, task, metric, base_count, base_n, base_rate, base_ci_low, base_ci_high, the same
     * for candidate_, difference, paired_n, base_only (b), candidate_only (c), p_value, alpha, verdict, and
     * paired_difference (c − b) / paired_n with its 95% interval paired_ci_low, paired_ci_high ({@link PairedDifference}).
     */
    public static String json(List<Comparison> comparisons) {
        ArrayNode array = MAPPER.createArrayNode();
        for (Comparison c : comparisons) {
            ObjectNode o = array.addObject();
            o.put("base", c.getBaseTarget());
            o.put("candidate", c.getCandidateTarget());
            o.put("task", c.getTask());
            o.put("metric", c.getMetric());
            o.put("base_count", c.getBaseCount());
            o.put("base_n", c.getBaseN());
            o.put("base_rate", c.getBaseRate());
            o.put("base_ci_low", c.getBaseCiLow());
            o.put("base_ci_high", c.getBaseCiHigh());
            o.put("candidate_count", c.getCandidateCount());
            o.put("candidate_n", c.getCandidateN());
            o.put("candidate_rate", c.getCandidateRate());
            o.put("candidate_ci_low", c.getCandidateCiLow());
            o.put("candidate_ci_high", c.getCandidateCiHigh());
            o.put("difference", c.getDifference());
            o.put("paired_n", c.getPairedN());
            o.put("base_only", c.getBaseOnly());
            o.put("candidate_only", c.getCandidateOnly());
            o.put("p_value", c.getPValue());
            o.put("alpha", c.getAlpha());
            o.put("verdict", c.getVerdict());
            // the difference on the paired items alone, with its interval (the rates above use every answer)
            PairedDifference d = PairedDifference.of(c.getPairedN(), c.getBaseOnly(), c.getCandidateOnly());
            o.put("paired_difference", d.difference());
            o.put("paired_ci_low", d.low());
            o.put("paired_ci_high", d.high());
        }
        try {
            return MAPPER.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write comparisons as JSON: " + e.getMessage(), e);
        }
    }

    /** Reads back what {@link #json} wrote (e.g. {@code /api/compare}'s rows); compared_at_ms is not in it (0). */
    public static List<Comparison> parse(String jsonArray) {
        List<Comparison> out = new ArrayList<>();
        try {
            for (com.fasterxml.jackson.databind.JsonNode o : MAPPER.readTree(jsonArray)) {
                out.add(Comparison.newBuilder()
                        .setBaseTarget(o.get("base").asText()).setCandidateTarget(o.get("candidate").asText())
                        .setTask(o.get("task").asText()).setMetric(o.get("metric").asText())
                        .setBaseCount(o.get("base_count").asLong()).setBaseN(o.get("base_n").asLong())
                        .setBaseRate(o.get("base_rate").asDouble()).setBaseCiLow(o.get("base_ci_low").asDouble())
                        .setBaseCiHigh(o.get("base_ci_high").asDouble())
                        .setCandidateCount(o.get("candidate_count").asLong()).setCandidateN(o.get("candidate_n").asLong())
                        .setCandidateRate(o.get("candidate_rate").asDouble())
                        .setCandidateCiLow(o.get("candidate_ci_low").asDouble())
                        .setCandidateCiHigh(o.get("candidate_ci_high").asDouble())
                        .setDifference(o.get("difference").asDouble()).setPairedN(o.get("paired_n").asLong())
                        .setBaseOnly(o.get("base_only").asLong()).setCandidateOnly(o.get("candidate_only").asLong())
                        .setPValue(o.get("p_value").asDouble()).setAlpha(o.get("alpha").asDouble())
                        .setVerdict(o.get("verdict").asText())
                        .setPairedDifference(o.get("paired_difference").asDouble())
                        .setPairedCiLow(o.get("paired_ci_low").asDouble()).setPairedCiHigh(o.get("paired_ci_high").asDouble())
                        .setComparedAtMs(0L).build());
            }
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("not a comparison array: " + e.getMessage(), e);
        }
        return out;
    }

    public static String table(List<Comparison> comparisons) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (Comparison c : comparisons) {
            rows.add(List.of(c.getTask(), c.getMetric(),
                    c.getBaseCount() + "/" + c.getBaseN() + " = " + d(c.getBaseRate()),
                    "[" + d(c.getBaseCiLow()) + ", " + d(c.getBaseCiHigh()) + "]",
                    c.getCandidateCount() + "/" + c.getCandidateN() + " = " + d(c.getCandidateRate()),
                    "[" + d(c.getCandidateCiLow()) + ", " + d(c.getCandidateCiHigh()) + "]",
                    String.format(Locale.ROOT, "%+.3f", c.getDifference()), Long.toString(c.getPairedN()),
                    Long.toString(c.getBaseOnly()), Long.toString(c.getCandidateOnly()), p(c.getPValue()), c.getVerdict()));
        }
        int[] widths = new int[HEADERS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", row.get(i)));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String d(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String p(double v) {
        return v < 1e-4 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
