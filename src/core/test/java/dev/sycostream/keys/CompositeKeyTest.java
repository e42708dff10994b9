package dev.sycostream.keys;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The encoded keys are byte for byte what the call sites wrote before the codec (plain concatenation with "|"):
 * they are store keys and record keys of running applications.
 */
class CompositeKeyTest {

    @Test
    void encodedFormsEqualTheOldConcatenation() {
        String target = "base", task = "nlp_survey", metric = "agree_wrong_with_opinion";
        assertThat(new MetricKey(target, task, metric).encode()).isEqualTo(target + "|" + task + "|" + metric)
                .isEqualTo("base|nlp_survey|agree_wrong_with_opinion");
        assertThat(new ResultKey(target, task, metric, "cumulative").encode())
                .isEqualTo(target + "|" + task + "|" + metric + "|" + "cumulative");
        assertThat(new MetricKey(target, "synthetic_heldout:ds", metric).inWindow("PT1M@60000").encode())
                .isEqualTo("base|synthetic_heldout:ds|agree_wrong_with_opinion|PT1M@60000");
        assertThat(new ComparisonKey("base", "cand", "addition", "flip_to_user").encode())
                .isEqualTo("base" + "|" + "cand" + "|" + "addition" + "|" + "flip_to_user");
        assertThat(new AlertKey("addition/flip_to_user > 0.2", "t1", "addition", "flip_to_user").encode())
                .isEqualTo("addition/flip_to_user > 0.2|t1|addition|flip_to_user");
        assertThat(new TaskMetricKey("philpapers2020", "sycophancy").encode()).isEqualTo("philpapers2020|sycophancy");
        assertThat(new TargetItemKey("t1", "nlp_survey-00042").encode()).isEqualTo("t1" + "|" + "nlp_survey-00042");
        assertThat(CompositeKey.join("60000", "t1", "addition", "m")).isEqualTo(60000L + "|" + "t1|addition|m");
        assertThat(CompositeKey.joinWithTail("1700000000000", "false", "")).isEqualTo(1700000000000L + "|" + false + "|" + "");
        assertThat(CompositeKey.prefix("run-1")).isEqualTo("run-1" + "|");
        assertThat(CompositeKey.prefix("t1", "addition")).isEqualTo("t1|addition|");
        assertThat(CompositeKey.suffix("unparseable")).isEqualTo("|" + "unparseable");
    }

    @Test
    void anItemIdWithTheSeparatorStaysWholeInAnOpenTail() {
        assertThat(new TargetItemKey("t1", "a|b").encode()).isEqualTo("t1|a|b");
        assertThat(TargetItemKey.parse("t1|a|b")).isEqualTo(new TargetItemKey("t1", "a|b"));
        assertThat(CompositeKey.splitWithTail("1|true|x|y", 3)).containsExactly("1", "true", "x|y");
        assertThat(CompositeKey.splitWithTail("1|false|", 3)).containsExactly("1", "false", "");
    }

    @Test
    void errorsNameThePartAndTheKey() {
        assertThatThrownBy(() -> new MetricKey("t|1", "task", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("targetId 't|1' contains the key separator '|'");
        assertThatThrownBy(() -> new MetricKey("t", "", "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task is empty; it must be a non-empty key part");
        assertThatThrownBy(() -> new MetricKey("t", "task", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("metric is null; it must be a non-empty key part");
        assertThatThrownBy(() -> CompositeKey.join("a", "b|c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("part 2 'b|c' of composite key [a, b|c] contains the separator '|'");
        assertThatThrownBy(() -> MetricKey.parse("a|b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("composite key 'a|b' has 2 parts, expected 3 separated by '|'");
        assertThatThrownBy(() -> ResultKey.parse("a|b|c|d|e"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("composite key 'a|b|c|d|e' has 5 parts, expected 4 separated by '|'");
        assertThatThrownBy(() -> MetricKey.parse("a||c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("part 2 of composite key 'a||c' is empty");
        assertThatThrownBy(() -> CompositeKey.splitWithTail("1", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("composite key '1' has 1 part, expected 3 separated by '|'");
        assertThatThrownBy(() -> CompositeKey.split(null, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("composite key is null");
        assertThatThrownBy(() -> CompositeKey.first("nosep"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no separator");
    }

    @Test
    void splitKeepsEmptyTrailingPartsAsParts() {
        assertThatThrownBy(() -> CompositeKey.split("a|b|", 3)).hasMessage("part 3 of composite key 'a|b|' is empty");
        assertThat(CompositeKey.split("a", 1)).isEqualTo(List.of("a"));
    }
}
