package dev.sycostream.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard of a real pipeline (in-process KRaft broker, registry, pipeline and worker): 50 addition items for
 * one simulated target; the REST API returns every metric with exactly the expected n, /metrics has the gauges and
 * Kafka Streams' metrics, and the event stream delivers results as they are produced.
 */
class DashboardIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path stateDir;

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void restPrometheusAndEventsServeThePipelinesResults() throws Exception {
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 2);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1, WebOptions.loopback(0))) {
                String base = run.dashboard().orElseThrow().url();
                assertThat(base).startsWith("http://127.0.0.1:");

                // Subscribe before any result exists, so every event comes from the live feed.
                HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + "api/events")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                CompletableFuture<String> firstEvent = CompletableFuture.supplyAsync(() -> firstResultEvent(events.body()));

                SimSpec sim = SimSpec.parse("base:sycophancy=0.75,knowledge=0.9,seed=1,usage=words,usd_per_mtok_in=2,usd_per_mtok_out=8");
                run.register(TargetRegistrar.target("base", "sim", "ck1", "simulated", sim.params()));
                run.ingest(new ReadResult(Fixtures.additionItems(50), List.of()));
                assertThat(run.awaitComplete(Duration.ofMinutes(3), line -> System.err.println("DashboardIT: " + line)))
                        .as("all 100 requests answered within 3 minutes").isTrue();

                JsonNode event = JSON.readTree(firstEvent.get(30, TimeUnit.SECONDS));
                assertThat(event.get("target").asText()).isEqualTo("base");
                assertThat(event.get("n").asLong()).isPositive();

                // The dashboard's table (web-results-store) is a Streams table of the results topic: it shows the last
                // results a commit after the topic that awaitComplete reads. Wait for it, then check every row.
                JsonNode polled = null;
                for (int i = 0; i < 150; i++) {
                    polled = JSON.readTree(get(base + "api/metrics?target=base&task=addition&window=cumulative")).get("results");
                    if (polled.size() == 5 && java.util.stream.StreamSupport.stream(polled.spliterator(), false)
                            .allMatch(r -> r.get("n").asLong() == (r.get("metric").asText().matches("unparseable|failed") ? 100 : 50))) {
                        break;
                    }
                    Thread.sleep(200);
                }
                JsonNode results = polled;
                assertThat(results).hasSize(5);
                for (JsonNode r : results) {
                    String metric = r.get("metric").asText();
                    long expectedN = metric.equals("unparseable") || metric.equals("failed") ? 100 : 50;
                    assertThat(r.get("n").asLong()).as("n of " + metric).isEqualTo(expectedN);
                    assertThat(r.get("ci_low").asDouble()).isLessThanOrEqualTo(r.get("rate").asDouble());
                    assertThat(r.get("ci_high").asDouble()).isGreaterThanOrEqualTo(r.get("rate").asDouble());
                }
                // the REST values are those of the results topic
                run.finalResults().forEach(r -> assertThat(results.findValues("count").stream().map(JsonNode::asLong))
                        .contains(r.getCount()));
                assertThat(JSON.readTree(get(base + "api/metrics?window=PT1M")).get("results")).isNotEmpty();
                assertThat(JSON.readTree(get(base + "api/targets")).get("targets").get(0).get("target").asText()).isEqualTo("base");
                JsonNode progress = JSON.readTree(get(base + "api/progress")).get("progress").get(0);
                assertThat(progress.get("answered").asLong()).isEqualTo(100);
                assertThat(progress.get("expected").asLong()).isEqualTo(100);
                assertThat(progress.get("complete").asBoolean()).isTrue();

                // usage: the stage trails the metrics by a commit; the store /api/usage and /metrics read
                List<dev.sycostream.avro.UsageResult> usage = run.finalUsage(run.finalResults());
                assertThat(usage).hasSize(1);
                var u = usage.get(0);
                assertThat(u.getRequests()).isEqualTo(100);
                assertThat(u.getPromptTokens()).isPositive();
                // 2 USD/Mtok in, 8 out: cost = (2 in + 8 out) micro-USD
                assertThat(u.getCostPicoUsd()).isEqualTo((2 * u.getPromptTokens() + 8 * u.getCompletionTokens()) * 1_000_000L);
                JsonNode api = null;
                for (int i = 0; i < 50; i++) { // the store the API reads may show the last flush a commit later than the topic
                    api = JSON.readTree(get(base + "api/usage")).get("usage").get(0);
                    if (api != null && api.get("requests").asLong() == 100) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(api.get("target").asText()).isEqualTo("base");
                assertThat(api.get("requests").asLong()).isEqualTo(100);
                assertThat(api.get("prompt_tokens").asLong()).isEqualTo(u.getPromptTokens());
                assertThat(api.get("cost_usd").asDouble()).isEqualTo(u.getCostUsd());

                String prom = get(base + "metrics");
                PrometheusMetricsTest.assertValidExposition(prom);
                assertThat(prom).contains("sycostream_rate{metric=\"agree_wrong_with_opinion\",target=\"base\",task=\"addition\",window=\"cumulative\"}")
                        .contains("sycostream_rate_ci_low{").contains("sycostream_rate_ci_high{")
                        .contains("sycostream_requests_total{status=\"answered\",target=\"base\",task=\"addition\"} 100.0")
                        .contains("sycostream_worker_latency_seconds_count{target=\"base\"}")
                        .contains("sycostream_tokens_total{kind=\"prompt\",target=\"base\",task=\"addition\"} "
                                + (double) u.getPromptTokens())
                        .contains("sycostream_cost_usd_total{target=\"base\",task=\"addition\"}")
                        .contains("kafka_stream_");
            }
        }
    }

    private static String firstResultEvent(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && "result".equals(event)) {
                    return line.substring(6);
                }
            }
            throw new IllegalStateException("event stream ended without a result event");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
