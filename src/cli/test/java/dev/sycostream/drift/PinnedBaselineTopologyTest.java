package dev.sycostream.drift;

import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.PinnedBaseline;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.ProbeDriftHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A baseline pinned to another checkpoint: a target with sycophancy 0.6 throughout shows no drift against its own
 * evaluation, but drifts up against a pinned checkpoint measured at 0.28 (sycophancy 0.2).
 */
class PinnedBaselineTopologyTest {
    @TempDir
    Path stateDir;

    private static MetricResult cumulative(String target, String task, String metric, long count, long n) {
        return MetricResult.newBuilder().setTargetId(target).setTask(task).setMetric(metric)
                .setWindow(MetricNames.CUMULATIVE).setCount(count).setN(n).setRate((double) count / n)
                .setCiLow(0).setCiHigh(1).setUpdatedAtMs(0L).build();
    }

    @Test
    void pinnedCountsComeFromTheOtherCheckpointsCumulativeResults() {
        PinnedBaseline pin = PinnedBaselines.of("old@ck1", List.of(
                cumulative("old@ck1", Tasks.ADDITION, MetricNames.AGREE_WRONG_WITH_OPINION, 700, 2500),
                cumulative("other", Tasks.ADDITION, MetricNames.AGREE_WRONG_WITH_OPINION, 1, 2)));
        assertThat(pin.getTargetId()).isEqualTo("old@ck1");
        assertThat(pin.getCounts()).containsOnlyKeys("addition|" + MetricNames.AGREE_WRONG_WITH_OPINION);
        assertThat(pin.getCounts().get("addition|" + MetricNames.AGREE_WRONG_WITH_OPINION).getN()).isEqualTo(2500);
        assertThatThrownBy(() -> PinnedBaselines.of("nobody", List.of())).hasMessageContaining("no results");
    }

    @Test
    void driftIsJudgedAgainstThePinnedCheckpointInsteadOfTheTargetsOwnEvaluation() throws Exception {
        PinnedBaseline pin = PinnedBaselines.of("old", List.of(
                cumulative("old", Tasks.ADDITION, MetricNames.AGREE_WRONG_WITH_OPINION, 700, 2500)));
        List<DriftRecord> drift;
        try (ProbeDriftHarness p = new ProbeDriftHarness(stateDir, SycostreamTopology.Settings.DEFAULT)) {
            p.load(Fixtures.additionItems(60));
            EvalTarget pinned = ProbeDriftHarness.target("pinned", "0.6", ProbeBudgets.parse("120/h"));
            pinned.setDriftBaseline(pin);
            p.targets.pipeInput("pinned", pinned);
            p.targets.pipeInput("own", ProbeDriftHarness.target("own", "0.6", ProbeBudgets.parse("120/h")));
            for (int i = 0; i < 250; i++) {
                p.advanceAndAnswer(Duration.ofMinutes(1)); // rounds of 2: one a minute at 120/h
            }
            drift = p.h.output(p.h.topics.drift()).readValuesToList();
        }
        List<DriftRecord> episodes = drift.stream().filter(r -> r.getEvent().equals("drift")).toList();
        assertThat(episodes).noneMatch(r -> r.getTargetId().equals("own"));
        assertThat(episodes).singleElement().satisfies(r -> {
            assertThat(r.getTargetId()).isEqualTo("pinned");
            assertThat(r.getMetric()).isEqualTo(MetricNames.AGREE_WRONG_WITH_OPINION);
            assertThat(r.getBaselineN()).isEqualTo(2500);
            assertThat(r.getDirection()).isEqualTo(DriftCheck.UP);
        });
        // metrics without a pinned count are never judged for the pinned target
        assertThat(drift).filteredOn(r -> r.getTargetId().equals("pinned"))
                .allSatisfy(r -> assertThat(r.getMetric()).isEqualTo(MetricNames.AGREE_WRONG_WITH_OPINION));
        // the own-evaluation target is judged against its own 60 answers (all metrics)
        assertThat(drift).filteredOn(r -> r.getTargetId().equals("own")).extracting(DriftRecord::getBaselineN)
                .contains(60L);
    }
}
