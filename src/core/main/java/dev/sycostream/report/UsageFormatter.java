package dev.sycostream.report;

import dev.sycostream.avro.UsageResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders usage results (requests, tokens, cost per target × task) for people and for programs. */
public final class UsageFormatter {
    /** Report order: target, then task. */
    public static final Comparator<UsageResult> ORDER =
            Comparator.comparing(UsageResult::getTargetId).thenComparing(UsageResult::getTask);
    private static final List<String> HEADERS =
            List.of("target", "task", "requests", "prompt tokens", "completion tokens", "cost (USD)");

    private UsageFormatter() {
    }

    /**
     * One usage result as a JSON object: {@code target, task, requests, prompt_tokens, completion_tokens, cost_usd},
     * {@code cost_usd} null when the target has no prices.
     */
    public static Map<String, Object> row(UsageResult u) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("target", u.getTargetId());
        o.put("task", u.getTask());
        o.put("requests", u.getRequests());
        o.put("prompt_tokens", u.getPromptTokens());
        o.put("completion_tokens", u.getCompletionTokens());
        o.put("cost_usd", u.getCostUsd());
        return o;
    }

    /** {@link #row} of each result, in {@link #ORDER}. */
    public static List<Map<String, Object>> rows(List<UsageResult> usage) {
        return usage.stream().sorted(ORDER).map(UsageFormatter::row).toList();
    }

    /**
     * A plain-text table: target, task, requests, prompt tokens, completion tokens, cost (USD, 6 decimals; "-" without
     * prices), then a line per target with its totals when it has more than one task. Lines end with '\n'.
     */
    public static String table(List<UsageResult> usage) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        Map<String, long[]> totals = new LinkedHashMap<>();
        Map<String, Boolean> priced = new LinkedHashMap<>();
        Map<String, Integer> tasks = new LinkedHashMap<>();
        for (UsageResult u : usage.stream().sorted(ORDER).toList()) {
            rows.add(List.of(u.getTargetId(), u.getTask(), Long.toString(u.getRequests()), Long.toString(u.getPromptTokens()),
                    Long.toString(u.getCompletionTokens()), usd(u.getCostPicoUsd())));
            long[] t = totals.computeIfAbsent(u.getTargetId(), k -> new long[4]);
            t[0] += u.getRequests();
            t[1] += u.getPromptTokens();
            t[2] += u.getCompletionTokens();
            t[3] += u.getCostPicoUsd() == null ? 0 : u.getCostPicoUsd();
            priced.merge(u.getTargetId(), u.getCostPicoUsd() != null, Boolean::logicalOr);
            tasks.merge(u.getTargetId(), 1, Integer::sum);
        }
        totals.forEach((target, t) -> {
            if (tasks.get(target) > 1) {
                rows.add(List.of(target, "(all tasks)", Long.toString(t[0]), Long.toString(t[1]), Long.toString(t[2]),
                        priced.get(target) ? usd(t[3]) : usd(null)));
            }
        });
        int[] widths = new int[HEADERS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? "" : "  ").append(i < 2 ? cell + pad : pad + cell);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String usd(Long picoUsd) {
        return picoUsd == null ? "-" : String.format(Locale.ROOT, "%.6f", picoUsd / 1e12);
    }
}
