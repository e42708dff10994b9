package dev.sycostream.topology;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.metrics.Observations;
import dev.sycostream.prompts.Variants;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retiring an item (a tombstone in sycostream.datasets.raw, as {@code ingest --replace} writes) through the
 * production topology: the fan-out replaces its requests by retired copies, the scorer takes back the answers that
 * were counted (and never counts one that arrives later), and the cumulative metrics are again exactly those of the
 * items still stored. Ingesting the item again counts its recorded answers again, without asking the model.
 */
class ItemRetirementTest {
    private static final Duration SCAN = Duration.ofMillis(200);
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, DatasetItem> items;
    private TestInputTopic<String, EvalTarget> targets;
    private TestInputTopic<String, ModelReply> replies;
    private TestOutputTopic<String, ModelRequest> requests;
    private TestOutputTopic<String, ScoredAnswer> scored;
    private TestOutputTopic<String, MetricResult> results;
    private final Map<String, MetricResult> latest = new HashMap<>();

    @BeforeEach
    void setUp() {
        var settings = new SycostreamTopology.Settings(Duration.ofMinutes(1), Duration.ofMinutes(1),
                new RequestFanoutStage.Settings(SCAN, 100), true);
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, settings), stateDir);
        items = h.input(h.topics.datasetsRaw());
        targets = h.input(h.topics.evalTargets());
        replies = h.input(h.topics.modelReplies());
        requests = h.output(h.topics.modelRequests());
        scored = h.output(h.topics.evalScored());
        results = h.output(h.topics.metricsResults());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** The sycophantic answer: the user's letter when there is one, else the wrong "(A) Agree" of pair 0. */
    private void answer(List<ModelRequest> toAnswer) {
        for (ModelRequest r : toAnswer) {
            String letter = r.getUserAnswer() != null ? r.getUserAnswer() : "A";
            replies.pipeInput(r.getRequestId(), ModelReply.newBuilder().setRequestId(r.getRequestId())
                    .setTargetId(r.getTargetId()).setText(" (" + letter + ")").setWorkerId("w").setRepliedAtMs(5L).build());
        }
    }

    private Map<String, MetricResult> cumulative() {
        h.flushPendingMetrics();
        results.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        Map<String, MetricResult> out = new HashMap<>();
        latest.forEach((k, v) -> {
            if (MetricNames.CUMULATIVE.equals(v.getWindow())) {
                out.put(v.getTask() + "|" + v.getMetric(), v);
            }
        });
        return out;
    }

    private static void assertNsAre(Map<String, MetricResult> m, ExpectedCounts expected) {
        expected.asMap().forEach((task, metrics) -> metrics.forEach((metric, n) ->
                assertThat(m.get(task + "|" + metric).getN()).as(task + " " + metric).isEqualTo(n)));
    }

    @Test
    void aRetiredItemsAnswersAreTakenBackAndItsLateRepliesNeverCounted() {
        List<DatasetItem> addition = Fixtures.additionItems(3);
        addition.forEach(i -> items.pipeInput(i.getItemId(), i));
        targets.pipeInput("t", Fixtures.target("t", true, 10L));
        for (int i = 0; i < 3; i++) {
            h.driver.advanceWallClockTime(SCAN);
        }
        List<ModelRequest> sent = requests.readValuesToList();
        assertThat(sent).hasSize(6);
        // Items 0 and 1 answered; item 2 not yet.
        answer(sent.stream().filter(r -> !r.getItemId().equals(addition.get(2).getItemId())).toList());
        Map<String, MetricResult> before = cumulative();
        assertThat(before.get("addition|agree_wrong_with_opinion").getN()).isEqualTo(2);
        assertThat(before.get("addition|flip_to_user").getN()).isEqualTo(2);
        List<ScoredAnswer> firstCounts = scored.readValuesToList();

        // Retire item 0 (answered) and item 2 (not answered yet).
        items.pipeInput(addition.get(0).getItemId(), null);
        items.pipeInput(addition.get(2).getItemId(), null);
        List<ModelRequest> retired = requests.readValuesToList();
        assertThat(retired).hasSize(4).allSatisfy(r -> assertThat(r.getRetired()).isTrue());
        List<ScoredAnswer> retractions = scored.readValuesToList();
        assertThat(retractions).hasSize(2).allSatisfy(a -> {
            assertThat(a.getRetracted()).isTrue();
            assertThat(a.getItemId()).isEqualTo(addition.get(0).getItemId());
        });
        // Item 2's replies arrive after its retirement: never counted.
        answer(sent.stream().filter(r -> r.getItemId().equals(addition.get(2).getItemId())).toList());
        assertThat(scored.isEmpty()).isTrue();

        Map<String, MetricResult> after = cumulative();
        assertNsAre(after, ExpectedCounts.of(List.of(addition.get(1))));
        // The counts are now exactly those of item 1's answers alone.
        List<ScoredAnswer> kept = firstCounts.stream().filter(a -> a.getItemId().equals(addition.get(1).getItemId())).toList();
        assertThat(kept).hasSize(2);
        Map<String, Long> recount = new HashMap<>();
        kept.forEach(a -> Observations.of(a).forEach(o -> recount.merge(o.metric(), o.hit() ? 1L : 0L, Long::sum)));
        ScoredAnswer without = kept.stream().filter(a -> a.getVariant().equals(Variants.NO_OPINION)).findFirst().orElseThrow();
        ScoredAnswer with = kept.stream().filter(a -> a.getVariant().equals(Variants.WITH_OPINION)).findFirst().orElseThrow();
        recount.put(MetricNames.FLIP_TO_USER, Observations.flipped(without, with) ? 1L : 0L);
        recount.forEach((metric, count) ->
                assertThat(after.get("addition|" + metric).getCount()).as(metric).isEqualTo(count));

        // Ingested again (same content, same id): its recorded replies count again, and no new request is asked.
        items.pipeInput(addition.get(0).getItemId(), addition.get(0));
        List<ModelRequest> again = requests.readValuesToList();
        assertThat(again).hasSize(2).allSatisfy(r -> assertThat(r.getRetired()).isFalse());
        assertThat(scored.readValuesToList()).hasSize(2).noneMatch(ScoredAnswer::getRetracted);
        Map<String, MetricResult> back = cumulative();
        for (String metric : List.of(MetricNames.AGREE_WRONG_NO_OPINION, MetricNames.AGREE_WRONG_WITH_OPINION,
                MetricNames.FLIP_TO_USER, MetricNames.UNPARSEABLE)) {
            assertThat(back.get("addition|" + metric).getCount()).as(metric).isEqualTo(before.get("addition|" + metric).getCount());
            assertThat(back.get("addition|" + metric).getN()).as(metric).isEqualTo(before.get("addition|" + metric).getN());
        }
    }
}
