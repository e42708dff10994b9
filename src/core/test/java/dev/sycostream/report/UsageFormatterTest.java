package dev.sycostream.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.UsageCounts;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.usage.UsageTotals;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UsageFormatterTest {
    // 1,500 prompt tokens at 0.15 USD/Mtok + 60 completion tokens at 0.6 USD/Mtok = 0.000261 USD
    private static final UsageResult PRICED = UsageTotals.result("base|nlp_survey",
            new UsageCounts(10L, 10L, 1_500L, 60L, 10L, 261_000_000L), "cumulative", null, null, 5L);
    private static final UsageResult PRICED_2 = UsageTotals.result("base|addition",
            new UsageCounts(4L, 4L, 400L, 8L, 4L, 64_800_000L), "cumulative", null, null, 5L);
    private static final UsageResult FREE = UsageTotals.result("alpha|nlp_survey",
            new UsageCounts(3L, 0L, 0L, 0L, 0L, 0L), "cumulative", null, null, 5L);

    @Test
    void reportJsonIsOneObjectWithMetricsAndUsageRowsWithNullCostWithoutPrices() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ResultsFormatter.json(
                List.of(ResultsFormatterTest.result("base", "addition", "flip_to_user", "cumulative", null, 7, 10, 0.7, 0.4, 0.9)),
                List.of(PRICED, FREE, PRICED_2)));
        assertThat(root.fieldNames()).toIterable().containsExactly("metrics", "usage", "datasets", "replay_caps");
        assertThat(root.get("replay_caps")).as("no capped target").isEmpty();
        assertThat(root.get("datasets")).as("no provenance given").isEmpty();
        assertThat(root.get("metrics")).hasSize(1);
        assertThat(root.get("metrics").get(0).get("count").asLong()).isEqualTo(7);
        JsonNode usage = root.get("usage");
        assertThat(usage).hasSize(3);
        assertThat(usage.get(0).get("target").asText()).as("target, then task").isEqualTo("alpha");
        assertThat(usage.get(0).get("cost_usd").isNull()).isTrue();
        assertThat(usage.get(1).get("task").asText()).isEqualTo("addition");
        JsonNode survey = usage.get(2);
        assertThat(survey.fieldNames()).toIterable()
                .containsExactly("target", "task", "requests", "prompt_tokens", "completion_tokens", "cost_usd");
        assertThat(survey.get("requests").asLong()).isEqualTo(10);
        assertThat(survey.get("prompt_tokens").asLong()).isEqualTo(1_500);
        assertThat(survey.get("completion_tokens").asLong()).isEqualTo(60);
        assertThat(survey.get("cost_usd").asDouble()).isEqualTo(0.000261);
    }

    @Test
    void tableShowsEveryTaskAndATotalPerTargetWithSeveralTasks() {
        assertThat(UsageFormatter.table(List.of(PRICED, FREE, PRICED_2))).isEqualTo("""
                target  task         requests  prompt tokens  completion tokens  cost (USD)
                alpha   nlp_survey          3              0                  0           -
                base    addition            4            400                  8    0.000065
                base    nlp_survey         10           1500                 60    0.000261
                base    (all tasks)        14           1900                 68    0.000326
                """);
    }

    @Test
    void reportJsonListsTheDatasetsBehindTheTasksOfItsMetrics() throws Exception {
        var items = new java.util.ArrayList<>(dev.sycostream.testing.Fixtures.additionItems(2));
        items.addAll(dev.sycostream.testing.Fixtures.perezItems("nlp_survey", 3));
        JsonNode root = new ObjectMapper().readTree(ResultsFormatter.json(
                List.of(ResultsFormatterTest.result("base", "nlp_survey", "sycophancy", "cumulative", null, 2, 3, 0.6, 0.2, 0.9)),
                List.of(), dev.sycostream.identity.Provenance.of(items)));
        JsonNode datasets = root.get("datasets");
        assertThat(datasets).as("only the tasks that have metrics here").hasSize(1);
        assertThat(datasets.get(0).get("task").asText()).isEqualTo("nlp_survey");
        assertThat(datasets.get(0).get("fingerprint").asText()).isEqualTo("sha256:" + items.get(2).getSourceSha256());
        assertThat(datasets.get(0).get("source").asText()).isEqualTo("classpath:datasets/perez-sample/nlp_survey.jsonl");
        assertThat(datasets.get(0).get("items").asLong()).isEqualTo(3);
    }
}
