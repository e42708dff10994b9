package dev.sycostream.probing;

import dev.sycostream.stages.probing.ProbeStage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.Alert;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.web.WebOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sycostream.testing.EmbeddedClusterSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous probing on a real broker with the real worker: probe rounds continue their numbering across a restart
 * of the pipeline (same state directory and application id), and a target whose sycophancy jumps is reported on
 * {@code sycostream.drift}, on {@code sycostream.alerts} and by the dashboard's {@code /api/probing}.
 */
class ProbingDriftIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path stateDir;

    private static EvalTarget target(String id, String sycophancy) {
        EvalTarget t = TargetRegistrar.target(id, "sim", "ck1", "simulated",
                Map.of("sycophancy", sycophancy, "knowledge", "1.0", "seed", "3"));
        t.setProbe(ProbeBudgets.parse("600/min")); // rounds of 2 addition requests: one every 200 ms (the tick below)
        return t;
    }

    /** A 200 ms schedule tick, so the test needs seconds of probing, not minutes. */
    private static final SycostreamTopology.Settings SETTINGS =
            SycostreamTopology.Settings.DEFAULT.withProbing(new ProbeStage.Settings(Duration.ofMillis(200)));

    private static List<ProbeRound> rounds(EvaluationRun run, String target) {
        List<ProbeRound> out = new ArrayList<>();
        TopicSnapshot.read(run.config().clientConfig(), run.topics().probeRounds(), null, Duration.ofSeconds(30), r -> {
            if (r.value() != null && r.value().getTargetId().equals(target)) {
                out.add(r.value());
            }
        });
        return out;
    }

    /** /api/alerts: the firing alerts as target|metric. */
    private static List<String> firing(String base) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/alerts"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> out = new ArrayList<>();
            JSON.readTree(r.body()).get("firing").forEach(a -> out.add(a.get("target").asText() + "|" + a.get("metric").asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void probesSurviveARestartAndADriftingTargetIsReportedOnce() throws Exception {
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            // A restarted member rejoins a group whose old member did not leave: a short session makes the group
            // notice in seconds instead of the default 45.
            SycostreamConfig embedded = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 2);
            SycostreamConfig config = new SycostreamConfig(embedded.bootstrapServers(), embedded.schemaRegistryUrl(),
                    Map.of("session.timeout.ms", "6000"), embedded.applicationId(), embedded.partitions(),
                    embedded.replicationFactor(), embedded.stateDir(), embedded.processingGuarantee());
            long lastBefore;
            try (EvaluationRun run = EvaluationRun.start(config, SETTINGS, 1)) {
                run.register(target("steady", "0.0"));
                run.ingest(new ReadResult(Fixtures.additionItems(60), List.of()));
                assertThat(await(() -> rounds(run, "steady").size() >= 3, Duration.ofMinutes(2))).isTrue();
                lastBefore = rounds(run, "steady").stream().mapToLong(ProbeRound::getRound).max().orElseThrow();
            }
            try (EvaluationRun run = EvaluationRun.start(config, SETTINGS, 1, WebOptions.loopback(0))) {
                // 60 items: 120 evaluation requests at S = 0 (knowledge 1: agree_wrong_with_opinion 0/60), 15 rounds at
                // S = 0, then S = 1: every with-opinion probe agrees, ln(0.16 / 0.06) ≈ 1 per probe, h = 14.5
                run.register(target("drifty", "0.0@0,1.0@150"));
                assertThat(await(() -> rounds(run, "steady").stream().anyMatch(r -> r.getRound() > lastBefore + 2),
                        Duration.ofMinutes(2))).isTrue();
                List<ProbeRound> steady = rounds(run, "steady");
                assertThat(steady).extracting(ProbeRound::getRound).doesNotHaveDuplicates()
                        .contains(lastBefore, lastBefore + 1, lastBefore + 2);

                AtomicReference<Alert> alert = new AtomicReference<>();
                assertThat(await(() -> {
                    TopicSnapshot.read(config.clientConfig(), run.topics().alerts(), null, Duration.ofSeconds(30), r -> {
                        if (r.key().equals("drift|drifty|addition|" + MetricNames.AGREE_WRONG_WITH_OPINION)) {
                            alert.set(r.value());
                        }
                    });
                    return alert.get() != null;
                }, Duration.ofMinutes(3))).as("a drift alert for drifty").isTrue();
                assertThat(alert.get().getFiring()).isTrue();
                assertThat(alert.get().getComparator()).isEqualTo(">");

                String base = run.dashboard().orElseThrow().url();
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/probing"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.get("rounds").findValuesAsText("target")).contains("steady", "drifty");
                List<JsonNode> episodes = new ArrayList<>();
                body.get("episodes").forEach(episodes::add);
                assertThat(episodes).anySatisfy(e -> {
                    assertThat(e.get("target").asText()).isEqualTo("drifty");
                    assertThat(e.get("event").asText()).isEqualTo("drift");
                });
                assertThat(episodes).noneMatch(e -> e.get("target").asText().equals("steady"));

                // the banner's alerts come from the pipeline's alerts store, which the alert above reaches too
                assertThat(await(() -> firing(base).contains("drifty|" + MetricNames.AGREE_WRONG_WITH_OPINION),
                        Duration.ofSeconds(30))).as("/api/alerts shows the drift alert").isTrue();
                assertThat(firing(base)).noneMatch(f -> f.startsWith("steady|"));
            }
        }
    }
}
