package dev.sycostream.report;

import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.usage.Prices;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders the replay caps' ledgers ({@code sycostream.replay.spend}): spent, in flight, and what was left unevaluated. */
public final class ReplayCapFormatter {
    private ReplayCapFormatter() {
    }

    /**
     * One ledger as a JSON object: {@code target, cap_usd, spent_usd, reserved_usd, sent, answered,
     * left_unevaluated, left_by_task, stopped} ({@code stopped}: held requests remain and none is in flight).
     */
    public static Map<String, Object> row(ReplaySpend s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("target", s.getTargetId());
        o.put("cap_usd", Prices.usd(s.getCapPicoUsd()).doubleValue());
        o.put("spent_usd", Prices.usd(s.getSettledPicoUsd()).doubleValue());
        o.put("reserved_usd", Prices.usd(s.getReservedPicoUsd()).doubleValue());
        o.put("sent", s.getSent());
        o.put("answered", s.getSettled());
        o.put("left_unevaluated", s.getHeld());
        o.put("left_by_task", new TreeMap<>(s.getHeldByTask()));
        o.put("stopped", s.getExhausted());
        return o;
    }

    public static List<Map<String, Object>> rows(List<ReplaySpend> ledgers) {
        return ledgers.stream().sorted(Comparator.comparing(ReplaySpend::getTargetId)).map(ReplayCapFormatter::row).toList();
    }

    /** One line per capped target, e.g. what {@code target add --wait} prints when a replay stops at its cap. */
    public static String line(ReplaySpend s) {
        String state = s.getExhausted() ? "stopped at its cap" : s.getHeld() > 0 ? "at its cap, answers in flight" : "within its cap";
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
                "replay of %s %s: %s of %s USD spent (%s reserved in flight), %d requests sent, %d answered, %d left unevaluated",
                s.getTargetId(), state, Prices.usd(s.getSettledPicoUsd()).toPlainString(),
                Prices.usd(s.getCapPicoUsd()).toPlainString(), Prices.usd(s.getReservedPicoUsd()).toPlainString(),
                s.getSent(), s.getSettled(), s.getHeld()));
        if (!s.getHeldByTask().isEmpty()) {
            b.append(" (");
            new TreeMap<>(s.getHeldByTask()).forEach((task, n) -> b.append(task).append(": ").append(n).append(", "));
            b.setLength(b.length() - 2);
            b.append(')');
        }
        return b.toString();
    }

    /** The lines of every ledger, under a heading; empty when no target has a cap. */
    public static String table(List<ReplaySpend> ledgers) {
        if (ledgers.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("replay cost caps\n");
        ledgers.stream().sorted(Comparator.comparing(ReplaySpend::getTargetId)).forEach(s -> b.append(line(s)).append('\n'));
        return b.toString();
    }
}
