package dev.sycostream.rescore;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The rescore variant of the production topology: no fan-out, nothing to eval.scored, results per run, --from. */
class RescoreTopologyTest {
    private static final long T0 = 1_700_000_000_000L;
    @TempDir
    Path stateDir;
    private TopologyHarness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private TopologyHarness harness(Long fromMs) {
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, SycostreamTopology.Settings.DEFAULT
                .withRescore(new SycostreamTopology.Rescore("run-1", fromMs))), stateDir);
        return h;
    }

    private static ModelRequest request(DatasetItem item, PromptVariant v) {
        return ModelRequest.newBuilder().setRequestId(RequestIds.of("t", item.getItemId(), v.variant()))
                .setTargetId("t").setItemId(item.getItemId()).setTask(item.getTask()).setVariant(v.variant())
                .setPrompt(v.prompt()).setChoices(v.choices()).setUserAnswer(v.userAnswer())
                .setCorrectAnswer(v.correctAnswer()).setBackend("simulated").setBackendParams(Map.of())
                .setCreatedAtMs(1L).build();
    }

    /** Four addition items, both variants; every reply agrees with the (wrong) claim: (A) is Agree on even pairs. */
    private void pipeRecorded(long[] timestamps) {
        TestInputTopic<String, ModelRequest> requests = h.input(h.topics.modelRequests());
        TestInputTopic<String, ModelReply> replies = h.input(h.topics.modelReplies());
        List<DatasetItem> items = Fixtures.additionItems(4);
        for (int i = 0; i < items.size(); i++) {
            for (PromptVariant v : PromptRenderer.render(items.get(i))) {
                ModelRequest r = request(items.get(i), v);
                String agree = r.getChoices().get(0).equals("Agree") ? " (A)" : " (B)";
                Instant at = Instant.ofEpochMilli(timestamps[i]);
                requests.pipeInput(r.getRequestId(), r, at);
                replies.pipeInput(r.getRequestId(), ModelReply.newBuilder().setRequestId(r.getRequestId())
                        .setTargetId("t").setText(agree).setWorkerId("w").setRepliedAtMs(timestamps[i]).build(), at);
                // a duplicate reply must not count twice
                replies.pipeInput(r.getRequestId(), ModelReply.newBuilder().setRequestId(r.getRequestId())
                        .setTargetId("t").setText(agree).setWorkerId("w2").setRepliedAtMs(timestamps[i]).build(), at);
            }
        }
    }

    private Map<String, MetricResult> results() {
        h.flushPendingMetrics();
        TestOutputTopic<String, MetricResult> out = h.output(h.topics.metricsRescored());
        Map<String, MetricResult> m = new HashMap<>();
        out.readKeyValuesToList().forEach(kv -> m.put(kv.key, kv.value));
        return m;
    }

    @Test
    void noFanOutNoScoredTopicAndResultsUnderTheRunsKeys() {
        harness(null);
        pipeRecorded(new long[]{T0, T0, T0, T0});
        Map<String, MetricResult> m = results();
        MetricResult with = m.get("run-1|t|addition|agree_wrong_with_opinion|cumulative");
        assertThat(with).isNotNull();
        assertThat(new long[]{with.getCount(), with.getN()}).containsExactly(4, 4);
        MetricResult flips = m.get("run-1|t|addition|flip_to_user|cumulative");
        assertThat(new long[]{flips.getCount(), flips.getN()}).as("agreed without the opinion too: no flips").containsExactly(0, 4);
        assertThat(m.get("run-1|t|addition|unparseable|cumulative").getN()).isEqualTo(8);
        Set<String> produced = h.driver.producedTopicNames();
        assertThat(produced).as("nothing reaches the live pipeline's topics").doesNotContain("sycostream.eval.scored", "sycostream.model.requests",
                "sycostream.metrics.results", "sycostream.alerts");
        assertThat(produced).contains("sycostream.metrics.rescored");
        String topology = SycostreamTopology.buildTopology(h.topics, SycostreamTopology.Settings.DEFAULT
                .withRescore(new SycostreamTopology.Rescore("run-1", null))).describe().toString();
        assertThat(topology).doesNotContain("prompts-fanout", "training-", "alerts-judge")
                .contains("rescore-scored-repartition");
    }

    @Test
    void fromKeepsOnlyRequestsAndRepliesStampedAtOrAfterIt() {
        harness(T0 + 1_000);
        pipeRecorded(new long[]{T0, T0 + 999, T0 + 1_000, T0 + 5_000});
        Map<String, MetricResult> m = results();
        assertThat(m.get("run-1|t|addition|agree_wrong_no_opinion|cumulative").getN()).isEqualTo(2);
        assertThat(m.get("run-1|t|addition|unparseable|cumulative").getN()).isEqualTo(4);
        assertThat(m.keySet().stream().filter(k -> k.endsWith("|cumulative")).map(k -> k.split("\\|")[3])
                .collect(Collectors.toSet())).containsExactlyInAnyOrder("agree_wrong_no_opinion",
                "agree_wrong_with_opinion", "flip_to_user", "unparseable", "failed");
    }

    @Test
    void aRunIdMustBeUsableAsAKeyPrefix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SycostreamTopology.Rescore("a|b", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no '|'");
    }
}
