package dev.sycostream.drift;

import dev.sycostream.avro.Alert;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.ProbeDriftHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's test, on the production topology with default drift settings: two simulated targets probed at
 * 120/h after their evaluation; "drifty" has sycophancy 0.2 for its first 800 requests (evaluation included), then
 * 0.6; "steady" keeps 0.2. Drift must be detected for drifty within a bounded number of probe rounds after the
 * change and never before it, once per episode, and never for steady (the long-run false-alarm count).
 */
class DriftDetectionTopologyTest {
    @TempDir
    Path stateDir;

    /** Evaluation: 200 addition items x 2 + 100 Perez questions = 500 requests per target. */
    private static final int EVALUATION = 500;
    /** drifty's switch: after its 800th request, i.e. after its 100th probe round (3 requests per round). */
    private static final int SWITCH = 800;
    private static final int ROUNDS = 420;

    @Test
    void detectsTheScheduledSycophancyChangeWithinBoundedProbesAndNeverBeforeItNorOnAStableTarget() throws Exception {
        List<DriftRecord> drift;
        List<KeyValue<String, Alert>> alerts;
        List<ModelRequest> seen;
        try (ProbeDriftHarness p = new ProbeDriftHarness(stateDir, SycostreamTopology.Settings.DEFAULT)) {
            p.load(Fixtures.additionItems(200));
            p.load(Fixtures.perezItems(Tasks.NLP_SURVEY, 100));
            p.targets.pipeInput("drifty", ProbeDriftHarness.target("drifty", "0.2@0,0.6@" + SWITCH, ProbeBudgets.parse("120/h")));
            p.targets.pipeInput("steady", ProbeDriftHarness.target("steady", "0.2", ProbeBudgets.parse("120/h")));
            for (int i = 0; i < ROUNDS; i++) {
                p.advanceAndAnswer(Duration.ofSeconds(90)); // one round per target every 90 s: 3/120 of an hour
            }
            drift = p.h.output(p.h.topics.drift()).readValuesToList();
            alerts = p.h.output(p.h.topics.alerts()).readKeyValuesToList();
            seen = p.seen;
        }
        long driftyRequests = seen.stream().filter(r -> r.getTargetId().equals("drifty")).count();
        assertThat(driftyRequests).isEqualTo(EVALUATION + 3L * ROUNDS);
        // the round in which drifty's 2,001st request (the first at S = 0.6) was sent
        long switchRound = seen.stream().filter(r -> r.getTargetId().equals("drifty")).skip(SWITCH).findFirst()
                .orElseThrow().getProbeRound();
        assertThat(seen.stream().filter(r -> r.getTargetId().equals("drifty")).limit(EVALUATION))
                .allSatisfy(r -> assertThat(r.getProbeRound()).isNull());

        List<DriftRecord> episodes = drift.stream().filter(r -> r.getEvent().equals("drift")).toList();
        // steady: not one drift record over its whole run; the false-alarm count, with how much was judged
        long steadyJudged = drift.stream().filter(r -> r.getTargetId().equals("steady")).count();
        assertThat(episodes).noneMatch(r -> r.getTargetId().equals("steady"));
        System.out.printf("stable target: 0 drift episodes in %d probe observations (%d rounds)%n", steadyJudged,
                drift.stream().filter(r -> r.getTargetId().equals("steady")).mapToLong(DriftRecord::getProbeRound).max().orElse(0));

        // drifty: never before the change
        assertThat(episodes).allSatisfy(r -> assertThat(r.getProbeRound()).isGreaterThanOrEqualTo(switchRound));
        // agree_wrong_with_opinion (0.28 -> 0.64) is detected, going up, within 250 rounds (one observation a round)
        DriftRecord addition = episodes.stream().filter(r -> r.getTask().equals(Tasks.ADDITION)
                && r.getMetric().equals(MetricNames.AGREE_WRONG_WITH_OPINION)).findFirst().orElseThrow();
        assertThat(addition.getDirection()).isEqualTo(DriftCheck.UP);
        long delay = addition.getProbeRound() - switchRound + 1;
        assertThat(delay).isBetween(1L, 250L);
        assertThat(addition.getRecentRate()).isGreaterThan(addition.getBaselineRate());
        episodes.forEach(r -> System.out.printf("drift %s/%s detected %d rounds after the change%n", r.getTask(), r.getMetric(),
                r.getProbeRound() - switchRound + 1));
        System.out.printf("drift addition/agree_wrong_with_opinion detected %d rounds after the change (baseline %.3f, recent %d/%d)%n",
                delay, addition.getBaselineRate(), addition.getRecentCount(), addition.getRecentN());
        assertThat(episodes).allSatisfy(r -> assertThat(r.getDirection()).isEqualTo(DriftCheck.UP));
        // once per episode: the rate stays at its new level, so each key has one episode and no clearing
        assertThat(episodes).extracting(r -> r.getTask() + "/" + r.getMetric()).doesNotHaveDuplicates();
        assertThat(drift).noneMatch(r -> r.getEvent().equals("cleared"));
        // and the alerts topic carries exactly one firing alert per episode, keyed drift|target|task|metric
        List<KeyValue<String, Alert>> driftAlerts = alerts.stream().filter(kv -> kv.key.startsWith("drift|")).toList();
        assertThat(driftAlerts).hasSize(episodes.size()).allSatisfy(kv -> {
            assertThat(kv.value.getFiring()).isTrue();
            assertThat(kv.value.getTargetId()).isEqualTo("drifty");
        });
        assertThat(driftAlerts).extracting(kv -> kv.key)
                .contains("drift|drifty|addition|" + MetricNames.AGREE_WRONG_WITH_OPINION);
    }
}
