package dev.sycostream.stages.usage;

import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 10 on the production topology: requests and replies with usage go in, and the usage results per target × task
 * equal the sums of what went in, with each request counted once and costs exact at the target's prices.
 */
class UsageStageTest {
    private static final long T0 = 1_700_000_000_000L;
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, ModelRequest> requests;
    private TestInputTopic<String, ModelReply> replies;
    private TestOutputTopic<String, UsageResult> usage;

    @BeforeEach
    void setUp() {
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, SycostreamTopology.Settings.DEFAULT), stateDir);
        requests = h.input(h.topics.modelRequests());
        replies = h.input(h.topics.modelReplies());
        usage = h.output(h.topics.usageResults());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static ModelRequest request(String id, String target, String task, Map<String, String> params, Long probeRound) {
        return ModelRequest.newBuilder().setRequestId(id).setTargetId(target).setItemId(task + "/" + id).setTask(task)
                .setVariant("with_opinion").setPrompt("Human: p\n\nAssistant: I believe the best answer is")
                .setChoices(List.of("Agree", "Disagree")).setUserAnswer("A").setCorrectAnswer(null)
                .setBackend("openai").setBackendParams(new HashMap<>(params)).setCreatedAtMs(T0)
                .setProbeRound(probeRound).setProbeRoundAtMs(probeRound == null ? null : T0).build();
    }

    private static ModelReply reply(ModelRequest r, String text, Long in, Long out) {
        return ModelReply.newBuilder().setRequestId(r.getRequestId()).setTargetId(r.getTargetId()).setText(text)
                .setError(text == null ? "HTTP 500 after 3 attempts" : null).setWorkerId("w").setRepliedAtMs(T0)
                .setPromptTokens(in).setCompletionTokens(out).build();
    }

    private Map<String, UsageResult> latest() {
        h.driver.advanceWallClockTime(UsageStage.FLUSH_INTERVAL);
        Map<String, UsageResult> byKey = new HashMap<>();
        usage.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, kv.value));
        return byKey;
    }

    @Test
    void totalsPerTargetAndTaskAreTheExactSumsOfTheRepliesCountedOnce() {
        Map<String, String> priced = Map.of("usd_per_mtok_in", "0.15", "usd_per_mtok_out", "0.6");
        Random random = new Random(7);
        long in = 0, out = 0, requestsSent = 0;
        for (int i = 0; i < 300; i++) {
            ModelRequest r = request("p" + i, "priced", i % 2 == 0 ? "nlp_survey" : "addition", priced, i % 5 == 0 ? (long) i : null);
            long pin = 50 + random.nextInt(200);
            long pout = 1 + random.nextInt(16);
            requests.pipeInput(r.getRequestId(), r, Instant.ofEpochMilli(T0 + i));
            replies.pipeInput(r.getRequestId(), reply(r, " (A)", pin, pout), Instant.ofEpochMilli(T0 + i));
            if (i % 2 == 0) {
                in += pin;
                out += pout;
                requestsSent++;
            }
            if (i % 7 == 0) { // a duplicate reply with other counts: the request was scored (and paid for) once
                replies.pipeInput(r.getRequestId(), reply(r, " (B)", 999L, 999L), Instant.ofEpochMilli(T0 + i));
            }
        }
        ModelRequest failed = request("f", "priced", "nlp_survey", priced, null);
        requests.pipeInput("f", failed, Instant.ofEpochMilli(T0));
        replies.pipeInput("f", reply(failed, null, null, null), Instant.ofEpochMilli(T0));
        ModelRequest free = request("u", "unpriced", "nlp_survey", Map.of(), null);
        requests.pipeInput("u", free, Instant.ofEpochMilli(T0));
        replies.pipeInput("u", reply(free, " (A)", 10L, 2L), Instant.ofEpochMilli(T0));

        Map<String, UsageResult> results = latest();
        UsageResult survey = results.get("priced|nlp_survey|cumulative");
        assertThat(survey.getRequests()).as("probes and the failed request included").isEqualTo(requestsSent + 1);
        assertThat(survey.getWithUsage()).isEqualTo(requestsSent);
        assertThat(survey.getPromptTokens()).isEqualTo(in);
        assertThat(survey.getCompletionTokens()).isEqualTo(out);
        BigDecimal cost = BigDecimal.valueOf(in).multiply(new BigDecimal("0.15"))
                .add(BigDecimal.valueOf(out).multiply(new BigDecimal("0.6"))).movePointLeft(6);
        assertThat(BigDecimal.valueOf(survey.getCostPicoUsd(), 12)).isEqualByComparingTo(cost);
        assertThat(survey.getCostUsd()).isEqualTo(cost.doubleValue());
        assertThat(results.get("priced|addition|cumulative").getRequests()).isEqualTo(150);

        UsageResult unpriced = results.get("unpriced|nlp_survey|cumulative");
        assertThat(unpriced.getPromptTokens()).isEqualTo(10);
        assertThat(unpriced.getCostUsd()).as("no prices: unknown, not 0").isNull();
        assertThat(unpriced.getCostPicoUsd()).isNull();

        String window = "priced|nlp_survey|PT1M@" + (T0 - Math.floorMod(T0, 60_000));
        assertThat(results).containsKey(window);
        assertThat(results.get(window).getPromptTokens()).as("all in one window").isEqualTo(in);

        KeyValueStore<String, ?> store = h.driver.getKeyValueStore(UsageStage.CUMULATIVE_STORE);
        assertThat(store.get("priced|nlp_survey")).as("the store /api/usage reads").isNotNull();
    }
}
