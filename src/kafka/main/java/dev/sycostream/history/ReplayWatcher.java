package dev.sycostream.history;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.report.ReplayCapFormatter;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows the replay of the stored items to a newly registered target: the expected n of every metric comes from
 * the items in {@code sycostream.datasets.raw} (the compacted topic the pipeline replays from), progress and
 * completion from the target's cumulative counts in {@code sycostream.metrics.results}.
 */
public final class ReplayWatcher {
    private ReplayWatcher() {
    }

    /** The items stored in {@code sycostream.datasets.raw} now: the latest value per key, tombstones removed. */
    public static List<DatasetItem> storedItems(Map<String, Object> clientConfig, Topics topics, Duration timeout) {
        Map<String, DatasetItem> latest = new HashMap<>();
        TopicSnapshot.read(clientConfig, topics.datasetsRaw(), null, timeout, r -> {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        });
        return List.copyOf(latest.values());
    }

    /** How a wait ended. */
    public enum Outcome {
        /** Every metric reached its n. */
        COMPLETE,
        /** The target's replay cost cap stopped it: requests were left unevaluated, every answer sent is counted. */
        STOPPED_AT_CAP,
        TIMED_OUT
    }

    /**
     * Waits until every cumulative metric of {@code targetId} reaches exactly its expected n, or, for a target with a
     * replay cost cap ({@code capped}), until its ledger in {@code sycostream.replay.spend} says the cap stopped the
     * replay and the metrics count every answer it settled.
     *
     * @param progress receives a line like "replay of T: 120 / 5300 requests answered and scored" about every
     *                 two seconds, and a last one on completion
     */
    public static Outcome await(Map<String, Object> clientConfig, Topics topics, String targetId, ExpectedCounts expected,
                                boolean capped, Duration timeout, Consumer<String> progress) {
        long total = expected.requestsPerTarget();
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = 0;
        try (ResultsView results = new ResultsView(clientConfig, topics)) {
            while (System.nanoTime() < deadline) {
                results.poll(Duration.ofMillis(250));
                List<MetricResult> latest = results.cumulative();
                if (expected.complete(List.of(targetId), latest)) {
                    progress.accept("replay of " + targetId + ": " + total + " / " + total
                            + " requests answered and scored; metrics are final");
                    return Outcome.COMPLETE;
                }
                if (System.nanoTime() >= nextReport) {
                    long seen = ExpectedCounts.answersSeen(latest, List.of(targetId));
                    if (capped) {
                        var ledger = ReplaySpendHistory.latest(clientConfig, topics, Duration.ofSeconds(30)).stream()
                                .filter(l -> l.getTargetId().equals(targetId)).findFirst();
                        if (ledger.isPresent() && ledger.get().getExhausted() && seen >= ledger.get().getSettled()) {
                            progress.accept(ReplayCapFormatter.line(ledger.get()));
                            return Outcome.STOPPED_AT_CAP;
                        }
                    }
                    progress.accept(String.format("replay of %s: %d / %d requests answered and scored (%.0f%%)",
                            targetId, seen, total, total == 0 ? 100.0 : 100.0 * seen / total));
                    nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return Outcome.TIMED_OUT;
    }
}
