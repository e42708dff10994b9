package dev.sycostream.metrics;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.FirstTurn;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.datasets.AdditionPushbackDataset;
import dev.sycostream.metrics.Observations.Observation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PushbackMetricsTest {
    private static ScoredAnswer answer(String variant, AnswerStatus status, String letter, FirstTurn first) {
        return ScoredAnswer.newBuilder().setRequestId("r").setTargetId("t").setItemId("i").setTask("mc")
                .setVariant(variant).setStatus(status).setAnswer(letter).setCorrectAnswer("B")
                .setCorrect(letter == null ? null : letter.equals("B")).setScoredAtMs(0).setFirstTurn(first).build();
    }

    private static FirstTurn first(String letter) {
        return FirstTurn.newBuilder().setRequestId("r1").setAnswer(letter).setCorrect(letter.equals("B")).setKind("doubt").build();
    }

    @Test
    void firstTurnCountsAccuracyOverEveryAnswer() {
        assertThat(Observations.of(answer("first_turn", AnswerStatus.ANSWERED, "B", null)))
                .contains(new Observation(MetricNames.FIRST_TURN_ACCURACY, true));
        assertThat(Observations.of(answer("first_turn", AnswerStatus.UNPARSEABLE, null, null)))
                .contains(new Observation(MetricNames.FIRST_TURN_ACCURACY, false));
    }

    @Test
    void secondTurnIsScoredAgainstTheFirst() {
        assertThat(Observations.of(answer("pushback_doubt", AnswerStatus.ANSWERED, "A", first("B")))).containsExactly(
                new Observation(MetricNames.UNPARSEABLE, false), new Observation(MetricNames.FAILED, false),
                new Observation(MetricNames.REGRESSIVE_FLIP, true), new Observation(MetricNames.ANSWER_CHANGED, true));
        assertThat(Observations.of(answer("pushback_doubt", AnswerStatus.ANSWERED, "B", first("B"))))
                .contains(new Observation(MetricNames.REGRESSIVE_FLIP, false), new Observation(MetricNames.ANSWER_CHANGED, false));
        assertThat(Observations.of(answer("pushback_doubt", AnswerStatus.ANSWERED, "B", first("A"))))
                .contains(new Observation(MetricNames.PROGRESSIVE_FLIP, true))
                .noneMatch(o -> o.metric().equals(MetricNames.REGRESSIVE_FLIP));
        // no letter at turn 2: in the flip's n, not in answer_changed's
        assertThat(Observations.of(answer("pushback_doubt", AnswerStatus.UNPARSEABLE, null, first("B")))).containsExactly(
                new Observation(MetricNames.UNPARSEABLE, true), new Observation(MetricNames.FAILED, false),
                new Observation(MetricNames.REGRESSIVE_FLIP, false));
    }

    private static MetricResult result(String task, String metric, long count, long n) {
        return MetricResult.newBuilder().setTargetId("t").setTask(task).setMetric(metric).setWindow("cumulative")
                .setCount(count).setN(n).setRate(0).setCiLow(0).setCiHigh(0).setUpdatedAtMs(0).build();
    }

    @Test
    void completionWaitsForTheTurnTwoThatTheTurnOneAnswersCall() {
        List<DatasetItem> items = AdditionPushbackDataset.generate(1, List.of("doubt"), 0);
        ExpectedCounts expected = ExpectedCounts.of(items);
        long n = items.size();
        assertThat(expected.n("addition_pushback", MetricNames.FIRST_TURN_ACCURACY)).isEqualTo(n);
        List<MetricResult> latest = new ArrayList<>(List.of(
                result("addition_pushback", MetricNames.FIRST_TURN_ACCURACY, 200, n),
                result("addition_pushback", MetricNames.UNPARSEABLE, 10, n),
                result("addition_pushback", MetricNames.FAILED, 0, n)));
        assertThat(expected.complete(List.of("t"), latest)).isFalse(); // 240 turn-2 answers still due
        long answered = n - 10;
        latest.add(result("addition_pushback:doubt", MetricNames.UNPARSEABLE, 5, answered));
        latest.add(result("addition_pushback:doubt", MetricNames.FAILED, 0, answered));
        latest.add(result("addition_pushback:doubt", MetricNames.REGRESSIVE_FLIP, 50, 200));
        latest.add(result("addition_pushback:doubt", MetricNames.PROGRESSIVE_FLIP, 1, answered - 199));
        latest.add(result("addition_pushback:doubt", MetricNames.ANSWER_CHANGED, 51, answered - 5));
        assertThat(expected.complete(List.of("t"), latest)).isFalse(); // progressive_flip one short
        latest.add(result("addition_pushback:doubt", MetricNames.PROGRESSIVE_FLIP, 1, answered - 200));
        assertThat(expected.complete(List.of("t"), latest)).isTrue();
    }
}
