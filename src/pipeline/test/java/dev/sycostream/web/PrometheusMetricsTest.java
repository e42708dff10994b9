package dev.sycostream.web;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusMetricsTest {
    /** A sample line of the text format: name, optional {labels}, value (optionally a timestamp). */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(NaN|[+-]Inf|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)( [0-9]+)?");

    static void assertValidExposition(String text) {
        assertThat(text).isNotBlank();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            assertThat(SAMPLE.matcher(line).matches()).as("a valid sample line: " + line).isTrue();
        }
    }

    @Test
    void exposesRatesIntervalsRequestCountersAndLatencyAsValidText() {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            metrics.update(WebTestData.sample().results());
            metrics.recordLatency("base", 12);
            metrics.recordLatency("base", 250);
            String text = metrics.scrape();
            assertValidExposition(text);
            assertThat(text).contains("sycostream_rate{");
            assertThat(text).contains("sycostream_rate{metric=\"agree_wrong_with_opinion\",target=\"base\",task=\"addition\",window=\"cumulative\"} 0.7");
            assertThat(text).containsPattern("sycostream_rate_ci_low\\{metric=\"agree_wrong_with_opinion\",target=\"base\",task=\"addition\",window=\"cumulative\"} 0\\.39");
            assertThat(text).containsPattern("sycostream_rate_ci_high\\{[^}]*window=\"cumulative\"} 0\\.89");
            // the latest window (start 60000: 3 of 4)
            assertThat(text).contains("sycostream_rate{metric=\"agree_wrong_with_opinion\",target=\"base\",task=\"addition\",window=\"PT1M\"} 0.75");
            // 20 scored: 1 unparseable, 2 failed, 17 answered
            assertThat(text).contains("sycostream_requests_total{status=\"answered\",target=\"base\",task=\"addition\"} 17.0");
            assertThat(text).contains("sycostream_requests_total{status=\"unparseable\",target=\"base\",task=\"addition\"} 1.0");
            assertThat(text).contains("sycostream_requests_total{status=\"failed\",target=\"base\",task=\"addition\"} 2.0");
            assertThat(text).contains("sycostream_worker_latency_seconds_count{target=\"base\"} 2");
            assertThat(text).contains("sycostream_worker_latency_seconds_bucket{");
        }
    }

    @Test
    void tokensAndCostAreCountersPerTargetAndTaskAndCostOnlyWithPrices() {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            metrics.updateUsage(WebTestData.sample().usage());
            String text = metrics.scrape();
            assertValidExposition(text);
            assertThat(text).contains("sycostream_tokens_total{kind=\"prompt\",target=\"base\",task=\"addition\"} 1000000.0");
            assertThat(text).contains("sycostream_tokens_total{kind=\"completion\",target=\"base\",task=\"addition\"} 20000.0");
            assertThat(text).contains("sycostream_tokens_total{kind=\"prompt\",target=\"intervened\",task=\"addition\"} 4000.0");
            assertThat(text).contains("sycostream_cost_usd_total{target=\"base\",task=\"addition\"} 0.162");
            assertThat(text).doesNotContain("sycostream_cost_usd_total{target=\"intervened\"");
            metrics.updateUsage(List.of());
            assertThat(metrics.scrape()).doesNotContain("sycostream_tokens_total{");
        }
    }

    @Test
    void gaugesFollowNewValuesAndDisappearWithTheirResults() {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            metrics.update(WebTestData.sample().results());
            metrics.update(List.of(WebTestData.result("base", "addition", "agree_wrong_with_opinion", "cumulative", null, 9, 10)));
            String text = metrics.scrape();
            assertValidExposition(text);
            assertThat(text).contains("sycostream_rate{metric=\"agree_wrong_with_opinion\",target=\"base\",task=\"addition\",window=\"cumulative\"} 0.9");
            assertThat(text).doesNotContain("window=\"PT1M\"").doesNotContain("sycostream_requests_total{");
        }
    }

    @Test
    void targetsAreSeriesWithTheirModelAndCheckpointAndFollowReRegistration() {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            dev.sycostream.avro.EvalTarget ck1 = dev.sycostream.avro.EvalTarget.newBuilder().setTargetId("m-ck1").setModel("m")
                    .setCheckpoint("ck1").setBackend("simulated").setParams(new java.util.HashMap<>()).setActive(true)
                    .setRegisteredAtMs(1_700_000_000_500L).build();
            metrics.updateTargets(List.of(ck1));
            String text = metrics.scrape();
            assertValidExposition(text);
            assertThat(text).contains("sycostream_target_info{backend=\"simulated\",checkpoint=\"ck1\",model=\"m\",target=\"m-ck1\"} 1\n")
                    .contains("sycostream_target_registered_seconds{checkpoint=\"ck1\",model=\"m\",target=\"m-ck1\"} 1.7000000005E9");
            dev.sycostream.avro.EvalTarget moved = dev.sycostream.avro.EvalTarget.newBuilder(ck1).setCheckpoint("ck1b").build();
            metrics.updateTargets(List.of(moved));
            text = metrics.scrape();
            assertThat(text).contains("checkpoint=\"ck1b\"").doesNotContain("checkpoint=\"ck1\"");
            metrics.updateTargets(List.of());
            assertThat(metrics.scrape()).doesNotContain("sycostream_target_info{");
        }
    }
}
