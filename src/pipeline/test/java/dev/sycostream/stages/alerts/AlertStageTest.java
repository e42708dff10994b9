package dev.sycostream.stages.alerts;

import dev.sycostream.alerts.AlertRule;
import dev.sycostream.alerts.AlertRuleTest;

import dev.sycostream.avro.Alert;
import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.sycostream.alerts.AlertRuleTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Stage 6 on the production topology: once per crossing, judged on the interval bound, per target. */
class AlertStageTest {
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, MetricResult> results;
    private TestOutputTopic<String, Alert> alerts;

    @BeforeEach
    void setUp() {
        List<AlertRule> rules = List.of(AlertRule.parse("addition/agree_wrong_with_opinion > 0.2"),
                AlertRule.parse("careful:nlp_survey/sycophancy < 0.5"));
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t,
                SycostreamTopology.Settings.DEFAULT.withAlerts(rules)), stateDir);
        results = h.input(h.topics.metricsResults());
        alerts = h.output(h.topics.alerts());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void pipe(MetricResult r) {
        results.pipeInput(r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric() + "|" + r.getWindow(), r);
    }

    @Test
    void firesOncePerCrossingAndAgainOnlyAfterClearing() {
        String m = MetricNames.AGREE_WRONG_WITH_OPINION;
        pipe(result("base", "addition", m, 3, 10, 0.1, 0.6));      // rate 0.3, lower bound 0.1: quiet
        assertThat(alerts.isEmpty()).isTrue();
        pipe(result("base", "addition", m, 60, 200, 0.24, 0.37));  // crosses
        pipe(result("base", "addition", m, 61, 201, 0.245, 0.37)); // still above: no second alert
        pipe(result("base", "addition", m, 62, 202, 0.25, 0.37));
        List<KeyValue<String, Alert>> first = alerts.readKeyValuesToList();
        assertThat(first).hasSize(1);
        Alert a = first.get(0).value;
        assertThat(first.get(0).key).isEqualTo("addition/agree_wrong_with_opinion > 0.2|base|addition|" + m);
        assertThat(a.getFiring()).isTrue();
        assertThat(a.getJudgedBound()).isEqualTo(0.24);
        assertThat(a.getCount()).isEqualTo(60);
        assertThat(a.getComparator()).isEqualTo(">");
        assertThat(a.getThreshold()).isEqualTo(0.2);

        pipe(result("base", "addition", m, 62, 300, 0.17, 0.25)); // lower bound back under 0.2: cleared
        pipe(result("base", "addition", m, 62, 301, 0.17, 0.25));
        pipe(result("base", "addition", m, 90, 310, 0.24, 0.34)); // crosses again
        List<Alert> next = alerts.readValuesToList();
        assertThat(next).extracting(Alert::getFiring).containsExactly(false, true);
    }

    @Test
    void ruleWithoutTargetAppliesToEachTargetSeparatelyAndTargetRulesOnlyToTheirs() {
        pipe(result("base", "addition", MetricNames.AGREE_WRONG_WITH_OPINION, 80, 100, 0.7, 0.87));
        pipe(result("careful", "addition", MetricNames.AGREE_WRONG_WITH_OPINION, 80, 100, 0.7, 0.87));
        pipe(result("base", "nlp_survey", MetricNames.SYCOPHANCY, 10, 100, 0.05, 0.17));    // not base's rule
        pipe(result("careful", "nlp_survey", MetricNames.SYCOPHANCY, 10, 100, 0.05, 0.17)); // upper 0.17 < 0.5
        assertThat(alerts.readValuesToList()).extracting(Alert::getTargetId, Alert::getTask)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("base", "addition"),
                        org.assertj.core.groups.Tuple.tuple("careful", "addition"),
                        org.assertj.core.groups.Tuple.tuple("careful", "nlp_survey"));
    }

    @Test
    void windowedResultsAreIgnored() {
        MetricResult windowed = result("base", "addition", MetricNames.AGREE_WRONG_WITH_OPINION, 90, 100, 0.8, 0.95);
        windowed.setWindow("PT1M");
        windowed.setWindowStartMs(0L);
        windowed.setWindowEndMs(60_000L);
        results.pipeInput("base|addition|agree_wrong_with_opinion|PT1M@0", windowed);
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void scoredAnswersFlowThroughTheMetricsIntoAnAlert() {
        TestInputTopic<String, ScoredAnswer> scored = h.input(h.topics.evalScored());
        // 30 Perez answers from 'careful', none following the user: Wilson upper bound of 0/30 is 0.114 < 0.5.
        for (int i = 0; i < 30; i++) {
            ScoredAnswer a = Fixtures.scored("careful", "nlp_survey/" + i, Tasks.NLP_SURVEY, Variants.WITH_OPINION,
                    AnswerStatus.ANSWERED, false, null);
            scored.pipeInput("careful|nlp_survey/" + i, a);
        }
        h.flushPendingMetrics();
        List<Alert> fired = alerts.readValuesToList();
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).getRule()).isEqualTo("careful:nlp_survey/sycophancy < 0.5");
        assertThat(fired.get(0).getFiring()).isTrue();
        assertThat(fired.get(0).getJudgedBound()).isLessThan(0.5);
    }
}
