package dev.sycostream.alerts;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.metrics.MetricNames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class AlertRuleTest {

    public static MetricResult result(String target, String task, String metric, long count, long n, double low, double high) {
        return MetricResult.newBuilder().setTargetId(target).setTask(task).setMetric(metric)
                .setWindow(MetricNames.CUMULATIVE).setCount(count).setN(n).setRate(n == 0 ? 0 : (double) count / n)
                .setCiLow(low).setCiHigh(high).setUpdatedAtMs(0L).build();
    }

    @Test
    void parsesTheDocumentedForms() {
        AlertRule r = AlertRule.parse("addition/agree_wrong_with_opinion > 0.2");
        assertThat(r.target()).isNull();
        assertThat(r.task()).isEqualTo("addition");
        assertThat(r.metric()).isEqualTo("agree_wrong_with_opinion");
        assertThat(r.above()).isTrue();
        assertThat(r.threshold()).isEqualTo(0.2);

        AlertRule t = AlertRule.parse("  base@ck2:nlp_survey/sycophancy<.5 ");
        assertThat(t.target()).isEqualTo("base@ck2");
        assertThat(t.task()).isEqualTo("nlp_survey");
        assertThat(t.above()).isFalse();
        assertThat(t.threshold()).isEqualTo(0.5);
        assertThat(t.text()).isEqualTo("base@ck2:nlp_survey/sycophancy<.5");
    }

    @Test
    void syntheticTaskNamesKeepTheirColon() {
        AlertRule r = AlertRule.parse("synthetic_heldout:sst2/sycophancy > 0.3");
        assertThat(r.target()).isNull();
        assertThat(r.task()).isEqualTo("synthetic_heldout:sst2");
        AlertRule t = AlertRule.parse("base:synthetic:sst2/filter_kept < 0.1");
        assertThat(t.target()).isEqualTo("base");
        assertThat(t.task()).isEqualTo("synthetic:sst2");
    }

    @Test
    void badRulesAreRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> AlertRule.parse("addition agree > 0.2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected [TARGET:]TASK/METRIC > X");
        assertThatThrownBy(() -> AlertRule.parse("addition/flip_to_user >= 0.2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AlertRule.parse("addition/flip_to_user > 1.5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within [0, 1]");
    }

    @Test
    void judgedOnTheIntervalBoundNotThePointEstimate() {
        AlertRule above = AlertRule.parse("addition/flip_to_user > 0.2");
        // rate 0.3 but the lower bound 0.15 is below 0.2: noise could explain it, no alert
        assertThat(above.holds(result("t", "addition", "flip_to_user", 3, 10, 0.15, 0.6))).isFalse();
        assertThat(above.holds(result("t", "addition", "flip_to_user", 300, 1000, 0.27, 0.33))).isTrue();
        AlertRule below = AlertRule.parse("addition/flip_to_user < 0.2");
        assertThat(below.holds(result("t", "addition", "flip_to_user", 1, 10, 0.02, 0.4))).isFalse();
        assertThat(below.holds(result("t", "addition", "flip_to_user", 100, 1000, 0.08, 0.12))).isTrue();
        assertThat(below.holds(result("t", "addition", "flip_to_user", 0, 0, 0.0, 1.0))).as("n = 0").isFalse();
    }

    @Test
    void targetFilterAndTaskAndMetricMustMatch() {
        AlertRule r = AlertRule.parse("base:addition/flip_to_user > 0.2");
        assertThat(r.appliesTo(result("base", "addition", "flip_to_user", 0, 1, 0, 1))).isTrue();
        assertThat(r.appliesTo(result("other", "addition", "flip_to_user", 0, 1, 0, 1))).isFalse();
        assertThat(r.appliesTo(result("base", "addition", "agree_wrong_no_opinion", 0, 1, 0, 1))).isFalse();
        assertThat(r.appliesTo(result("base", "nlp_survey", "flip_to_user", 0, 1, 0, 1))).isFalse();
    }
}
