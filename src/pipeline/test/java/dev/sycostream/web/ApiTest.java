package dev.sycostream.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.metrics.ExpectedCounts;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Api api = new Api(WebTestData.sample());

    private static JsonNode parse(Api.Response r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void targetsAreListedById() throws Exception {
        Api.Response r = api.targets();
        assertThat(r.status()).isEqualTo(200);
        JsonNode targets = parse(r).get("targets");
        assertThat(targets).hasSize(2);
        assertThat(targets.get(0).get("target").asText()).isEqualTo("base");
        assertThat(targets.get(0).get("checkpoint").asText()).isEqualTo("ck1");
        assertThat(targets.get(0).get("params").get("sycophancy").asText()).isEqualTo("0.5");
        assertThat(targets.get(1).get("target").asText()).isEqualTo("intervened");
    }

    @Test
    void metricsCarryCountsAndIntervalsAndFilterByTargetTaskAndWindow() throws Exception {
        JsonNode all = parse(api.metrics(Map.of())).get("results");
        assertThat(all).hasSize(5);
        JsonNode cumulative = parse(api.metrics(Map.of("target", "base", "task", "addition",
                "metric", "agree_wrong_with_opinion", "window", "cumulative"))).get("results");
        assertThat(cumulative).hasSize(1);
        JsonNode r = cumulative.get(0);
        assertThat(r.get("count").asLong()).isEqualTo(7);
        assertThat(r.get("n").asLong()).isEqualTo(10);
        assertThat(r.get("rate").asDouble()).isEqualTo(0.7);
        assertThat(r.get("ci_low").asDouble()).isBetween(0.39, 0.40);
        assertThat(r.get("ci_high").asDouble()).isBetween(0.89, 0.90);
        assertThat(r.get("window_start_ms").isNull()).isTrue();

        JsonNode windows = parse(api.metrics(Map.of("window", "PT1M"))).get("results");
        assertThat(windows).hasSize(2);
        assertThat(windows.get(0).get("window_start_ms").asLong()).as("ordered by window start").isZero();
        assertThat(windows.get(1).get("window_start_ms").asLong()).isEqualTo(60_000);
        assertThat(parse(api.metrics(Map.of("target", "nobody"))).get("results")).isEmpty();
    }

    @Test
    void progressComparesAnswersWithTheExpectedRequests() throws Exception {
        JsonNode progress = parse(api.progress()).get("progress");
        assertThat(progress).hasSize(2);
        JsonNode base = progress.get(0);
        assertThat(base.get("target").asText()).isEqualTo("base");
        assertThat(base.get("answered").asLong()).isEqualTo(20);
        assertThat(base.get("expected").asLong()).as("10 items x 2 variants").isEqualTo(20);
        assertThat(base.get("complete").asBoolean()).as("only some metrics reached n").isFalse();
        JsonNode intervened = progress.get(1);
        assertThat(intervened.get("answered").asLong()).isZero();
    }

    @Test
    void progressSaysExpectedIsUnknownWithoutItems() throws Exception {
        Api unknown = new Api(new WebTestData(List.of(), WebTestData.sample().results, Optional.empty()));
        JsonNode base = parse(unknown.progress()).get("progress").get(0);
        assertThat(base.get("expected").isNull()).isTrue();
        assertThat(base.get("answered").asLong()).isEqualTo(20);
    }

    @Test
    void storesNotReadyGive503WithTheReason() throws Exception {
        DashboardData failing = new DashboardData() {
            public List<EvalTarget> targets() {
                throw new NotReadyException("store web-results-store cannot be queried while the pipeline is REBALANCING", null);
            }

            public List<MetricResult> results() {
                return targets().isEmpty() ? List.of() : List.of();
            }

            public Optional<ExpectedCounts> expected() {
                return Optional.empty();
            }
        };
        Api.Response r = new Api(failing).metrics(Map.of());
        assertThat(r.status()).isEqualTo(503);
        assertThat(parse(r).get("error").asText()).contains("REBALANCING");
    }

    @Test
    void datasetsListEachTasksFilesAndGeneratorsWithTheirItemCounts() throws Exception {
        List<dev.sycostream.avro.DatasetItem> items = new java.util.ArrayList<>(dev.sycostream.testing.Fixtures.additionItems(3));
        items.addAll(dev.sycostream.testing.Fixtures.perezItems("nlp_survey", 2));
        List<dev.sycostream.identity.Provenance.TaskSource> sources = dev.sycostream.identity.Provenance.of(items);
        WebTestData sample = WebTestData.sample();
        Api withItems = new Api(new WebTestData(sample.targets, sample.results, sample.expected) {
            @Override
            public List<dev.sycostream.identity.Provenance.TaskSource> datasets() {
                return sources;
            }
        });
        JsonNode datasets = parse(withItems.datasets()).get("datasets");
        assertThat(datasets).hasSize(2);
        assertThat(datasets.get(0).get("task").asText()).isEqualTo("addition");
        assertThat(datasets.get(0).get("fingerprint").asText()).isEqualTo("generator:addition(seed=7)");
        assertThat(datasets.get(0).get("items").asLong()).isEqualTo(3);
        JsonNode perez = datasets.get(1);
        String sha = items.get(3).getSourceSha256();
        assertThat(perez.get("fingerprint").asText()).isEqualTo("sha256:" + sha);
        assertThat(perez.get("short").asText()).isEqualTo("sha256:" + sha.substring(0, 12));
        assertThat(perez.get("source").asText()).isEqualTo("classpath:datasets/perez-sample/nlp_survey.jsonl");
        assertThat(perez.get("items").asLong()).isEqualTo(2);
        assertThat(parse(api.datasets()).get("datasets")).as("nothing known").isEmpty();
    }
}
