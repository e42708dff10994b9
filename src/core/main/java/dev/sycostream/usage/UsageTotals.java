package dev.sycostream.usage;

import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.UsageCounts;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.keys.TargetTaskKey;

/**
 * The arithmetic of usage counts: one scored answer's contribution, the sum of two counts, and the published
 * {@link UsageResult}. Every sum is of longs (tokens, pico-dollars), so totals are exact and independent of the order
 * in which answers arrive; {@code Math.addExact} makes an overflow an error rather than a wrong number.
 */
public final class UsageTotals {
    private UsageTotals() {
    }

    public static UsageCounts zero() {
        return UsageCounts.newBuilder().build();
    }

    /** What one scored request adds: one request, its tokens if reported, its cost if priced. */
    public static UsageCounts of(ScoredAnswer a) {
        boolean reported = a.getPromptTokens() != null || a.getCompletionTokens() != null;
        return new UsageCounts(1L, reported ? 1L : 0L, orZero(a.getPromptTokens()), orZero(a.getCompletionTokens()),
                a.getCostPicoUsd() == null ? 0L : 1L, orZero(a.getCostPicoUsd()));
    }

    /** {@code a + b}, field by field; {@code a} is updated and returned (a running total). */
    public static UsageCounts addTo(UsageCounts a, UsageCounts b) {
        a.setRequests(Math.addExact(a.getRequests(), b.getRequests()));
        a.setWithUsage(Math.addExact(a.getWithUsage(), b.getWithUsage()));
        a.setPromptTokens(Math.addExact(a.getPromptTokens(), b.getPromptTokens()));
        a.setCompletionTokens(Math.addExact(a.getCompletionTokens(), b.getCompletionTokens()));
        a.setPriced(Math.addExact(a.getPriced(), b.getPriced()));
        a.setCostPicoUsd(Math.addExact(a.getCostPicoUsd(), b.getCostPicoUsd()));
        return a;
    }

    /** A new total {@code a + b}, leaving both alone (for aggregators, whose old value the store may still hold). */
    public static UsageCounts sum(UsageCounts a, UsageCounts b) {
        return addTo(UsageCounts.newBuilder(a).build(), b);
    }

    /**
     * The published result of target × task ({@code targetTaskKey}, "target|task") in {@code window}; the cost is null
     * when no counted reply had one (a target without prices).
     */
    public static UsageResult result(String targetTaskKey, UsageCounts c, String window, Long windowStartMs,
                                     Long windowEndMs, long updatedAtMs) {
        TargetTaskKey key = TargetTaskKey.parse(targetTaskKey);
        Long pico = c.getPriced() == 0 ? null : c.getCostPicoUsd();
        return UsageResult.newBuilder()
                .setTargetId(key.targetId()).setTask(key.task())
                .setWindow(window).setWindowStartMs(windowStartMs).setWindowEndMs(windowEndMs)
                .setRequests(c.getRequests()).setWithUsage(c.getWithUsage())
                .setPromptTokens(c.getPromptTokens()).setCompletionTokens(c.getCompletionTokens())
                .setCostPicoUsd(pico).setCostUsd(pico == null ? null : Prices.usd(pico).doubleValue())
                .setUpdatedAtMs(updatedAtMs)
                .build();
    }

    /** The results-topic key: "target|task|cumulative" or "target|task|PT1M@windowStartMs". */
    public static String resultKey(String targetTaskKey, String window, Long windowStartMs) {
        return TargetTaskKey.parse(targetTaskKey).inWindow(window + (windowStartMs == null ? "" : "@" + windowStartMs));
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
