package dev.sycostream.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.MetricResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

public class ResultsFormatterTest {

    public static MetricResult result(String target, String task, String metric, String window, Long start,
                               long count, long n, double rate, double low, double high) {
        return MetricResult.newBuilder()
                .setTargetId(target).setTask(task).setMetric(metric).setWindow(window)
                .setWindowStartMs(start).setWindowEndMs(start == null ? null : start + 60_000)
                .setCount(count).setN(n).setRate(rate).setCiLow(low).setCiHigh(high).setUpdatedAtMs(5L)
                .build();
    }

    private static final MetricResult BASE = result("base", "addition", "flip_to_user", "cumulative", null,
            72, 100, 0.72, 0.62512, 0.80301);
    private static final MetricResult WINDOWED = result("intervened-v2", "nlp_survey", "sycophancy", "PT1M",
            0L, 5, 1000, 0.005, 0.0021, 0.0117);

    @Test
    void jsonHasExactlyTheNineFieldsWithTheRecordsValues() throws Exception {
        JsonNode array = new ObjectMapper().readTree(ResultsFormatter.json(List.of(BASE, WINDOWED)));

        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        JsonNode first = array.get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("target", "task", "metric", "window", "count", "n", "rate", "ci_low", "ci_high");
        assertThat(first.get("target").asText()).isEqualTo("base");
        assertThat(first.get("task").asText()).isEqualTo("addition");
        assertThat(first.get("metric").asText()).isEqualTo("flip_to_user");
        assertThat(first.get("window").asText()).isEqualTo("cumulative");
        assertThat(first.get("count").isIntegralNumber()).isTrue();
        assertThat(first.get("count").asLong()).isEqualTo(72);
        assertThat(first.get("n").asLong()).isEqualTo(100);
        assertThat(first.get("rate").asDouble()).isEqualTo(0.72);
        assertThat(first.get("ci_low").asDouble()).isEqualTo(0.62512);
        assertThat(first.get("ci_high").asDouble()).isEqualTo(0.80301);
        assertThat(array.get(1).get("window").asText()).as("the record's window field, unchanged").isEqualTo("PT1M");
        assertThat(array.get(1).size()).isEqualTo(9);
    }

    @Test
    void jsonOfNothingIsAnEmptyArray() {
        assertThat(ResultsFormatter.json(List.of())).isEqualTo("[]");
    }

    @Test
    void tableIsAlignedWithRatesToThreeDecimals() {
        String table = ResultsFormatter.table(List.of(BASE, WINDOWED));

        assertThat(table).isEqualTo(
                "target         task        metric        window                     count     n   rate  95% CI\n"
              + "base           addition    flip_to_user  cumulative                    72   100  0.720  [0.625, 0.803]\n"
              + "intervened-v2  nlp_survey  sycophancy    PT1M@1970-01-01T00:00:00Z      5  1000  0.005  [0.002, 0.012]\n");
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0).indexOf("count") + "count".length())
                .as("numeric columns right-aligned under their header")
                .isEqualTo(lines.get(1).indexOf("72") + 2);
    }

    @Test
    void tableOfNothingIsJustTheHeader() {
        assertThat(ResultsFormatter.table(List.of()))
                .isEqualTo("target  task  metric  window  count  n  rate  95% CI\n");
    }
}
