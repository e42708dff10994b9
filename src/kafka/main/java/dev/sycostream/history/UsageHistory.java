package dev.sycostream.history;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.report.UsageFormatter;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code sycostream.usage.results} back: the latest cumulative usage of every target × task. */
public final class UsageHistory {
    private UsageHistory() {
    }

    /** The latest cumulative usage per target × task, in report order (target, task). */
    public static List<UsageResult> cumulative(Map<String, Object> clientConfig, Topics topics, Duration timeout) {
        Map<String, UsageResult> latest = new HashMap<>();
        TopicSnapshot.read(clientConfig, topics.usageResults(), null, timeout, r -> {
            if (r.value() == null) {
                latest.remove(r.key());
            } else if (MetricNames.CUMULATIVE.equals(r.value().getWindow())) {
                latest.put(r.key(), r.value());
            }
        });
        List<UsageResult> list = new ArrayList<>(latest.values());
        list.sort(UsageFormatter.ORDER);
        return list;
    }

    /**
     * The cumulative usage once it counts at least every evaluation answer the metrics count (the n of each target ×
     * task's cumulative {@code unparseable} result, which every answer counts in): the usage stage runs in its own
     * sub-topology and may trail the metrics by a commit. Probe answers make usage counts larger, never smaller.
     *
     * @return the usage read last, caught up or not after {@code timeout}
     */
    public static List<UsageResult> awaitCovering(Map<String, Object> clientConfig, Topics topics,
                                                  List<MetricResult> metrics, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<UsageResult> usage = cumulative(clientConfig, topics, Duration.ofSeconds(30));
            if (covers(usage, metrics) || System.nanoTime() > deadline) {
                return usage;
            }
            Thread.sleep(200);
        }
    }

    static boolean covers(List<UsageResult> usage, List<MetricResult> metrics) {
        Map<String, Long> requests = new HashMap<>();
        usage.forEach(u -> requests.put(u.getTargetId() + "|" + u.getTask(), u.getRequests()));
        for (MetricResult m : metrics) {
            if (MetricNames.UNPARSEABLE.equals(m.getMetric()) && MetricNames.CUMULATIVE.equals(m.getWindow())
                    && requests.getOrDefault(m.getTargetId() + "|" + m.getTask(), 0L) < m.getN()) {
                return false;
            }
        }
        return true;
    }
}
