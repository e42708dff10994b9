package dev.sycostream.testing;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.history.ResultsView;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-of-run checks of the fault tests: every cumulative count and n of {@code sim} equals the offline recount
 * of the simulated answers, no request is "failed", no metric beyond the expected ones, nothing dead-lettered.
 */
public final class ExactCounts {
    private ExactCounts() {
    }

    /** Asserts the published cumulative metrics are exactly the offline recount; returns how many were compared. */
    public static int assertEqualToOfflineRecount(ResultsView results, SimSpec sim, List<DatasetItem> items) {
        ExpectedCounts expected = ExpectedCounts.of(items);
        Map<String, long[]> measured = new TreeMap<>();
        results.cumulative().stream().filter(r -> r.getTargetId().equals(sim.name()))
                .forEach(r -> measured.put(r.getTask() + "|" + r.getMetric(), new long[]{r.getCount(), r.getN()}));
        Map<String, long[]> offline = OfflineRecount.counts(sim, items);
        offline.forEach((key, c) -> assertThat(measured.get(key)).as("count and n of " + key).containsExactly(c));
        for (String task : expected.asMap().keySet()) {
            assertThat(measured.get(task + "|" + MetricNames.FAILED)).as("failed requests of " + task)
                    .containsExactly(0, expected.n(task, MetricNames.FAILED));
        }
        assertThat(measured.keySet()).as("no metric beyond the expected ones").isEqualTo(expected.asMap().entrySet()
                .stream().flatMap(t -> t.getValue().keySet().stream().map(m -> t.getKey() + "|" + m))
                .collect(Collectors.toSet()));
        return measured.size();
    }

    /** Records in the dead-letter topic (end offsets; nothing else writes it in these tests). */
    public static long deadLetters(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.DEADLETTER)).allTopicNames().get().get(Topics.DEADLETTER).partitions()
                    .forEach(p -> latest.put(new TopicPartition(Topics.DEADLETTER, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
