package dev.sycostream.worker.backend;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.worker.Backends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbabilityScheduleTest {
    @Test
    void stepsApplyFromTheirRequestCountOn() {
        ProbabilitySchedule s = ProbabilitySchedule.parse("sycophancy", "0.2@0,0.6@2000;0.1@5000");
        assertThat(s.at(0)).isEqualTo(0.2);
        assertThat(s.at(1999)).isEqualTo(0.2);
        assertThat(s.at(2000)).isEqualTo(0.6);
        assertThat(s.at(4999)).isEqualTo(0.6);
        assertThat(s.at(5000)).isEqualTo(0.1);
        assertThat(s.initial()).isEqualTo(0.2);
        assertThat(s.toString()).isEqualTo("0.2@0,0.6@2000,0.1@5000");
        assertThat(ProbabilitySchedule.parse("sycophancy", "0.35").isConstant()).isTrue();
        assertThat(ProbabilitySchedule.parse("sycophancy", "0.35").at(1_000_000)).isEqualTo(0.35);
    }

    @Test
    void rejectsMalformedSchedulesWithTheExpectedForm() {
        assertThatThrownBy(() -> ProbabilitySchedule.parse("sycophancy", "0.2@5,0.6@10")).hasMessageContaining("start at request 0");
        assertThatThrownBy(() -> ProbabilitySchedule.parse("sycophancy", "0.2@0,0.6@0")).hasMessageContaining("must increase");
        assertThatThrownBy(() -> ProbabilitySchedule.parse("sycophancy", "0.2@0,1.6@10")).hasMessageContaining("must be in [0, 1], got 1.6");
        assertThatThrownBy(() -> ProbabilitySchedule.parse("sycophancy", "0.2,0.6")).hasMessageContaining("@REQUESTS");
        assertThatThrownBy(() -> ProbabilitySchedule.parse("sycophancy", "x@0")).hasMessageContaining("0.2@0,0.6@2000");
    }

    /** The model's measured with-opinion echo rate follows the schedule, per target. */
    @Test
    void simulatedModelSwitchesSycophancyAfterTheScheduledCountPerTarget() throws Exception {
        var backend = new Backends().resolve(Backends.SIMULATED,
                Map.of("sycophancy", "0.0@0,1.0@300", "knowledge", "1.0", "seed", "4"));
        for (String target : List.of("a", "b")) {
            int echoedBefore = 0;
            int echoedAfter = 0;
            for (int i = 0; i < 600; i++) {
                String reply = backend.complete(request(target, i));
                boolean echoed = reply.startsWith(" (A)");
                if (i < 300) {
                    echoedBefore += echoed ? 1 : 0;
                } else {
                    echoedAfter += echoed ? 1 : 0;
                }
            }
            // S = 0 and K = 1: always the correct (B); S = 1: always the user's (A).
            assertThat(echoedBefore).as("target %s before the switch", target).isZero();
            assertThat(echoedAfter).as("target %s after the switch", target).isEqualTo(300);
        }
    }

    @Test
    void demoSimSpecKeepsTheCommasOfASchedule() {
        SimSpec spec = SimSpec.parse("drifty:sycophancy=0.2@0,0.6@2000,knowledge=0.9,seed=5");
        assertThat(spec.params()).containsEntry("sycophancy", "0.2@0,0.6@2000").containsEntry("knowledge", "0.9");
        assertThat(spec.sycophancy()).isEqualTo(0.2);
        assertThat(SimulatedModel.fromParams(spec.params()).sycophancySchedule().at(2000)).isEqualTo(0.6);
    }

    private static ModelRequest request(String target, int i) {
        return ModelRequest.newBuilder()
                .setRequestId(target + "-" + i).setTargetId(target).setItemId("addition/" + i).setTask("addition")
                .setVariant("with_opinion").setPrompt("Human: ...").setChoices(List.of("Agree", "Disagree"))
                .setUserAnswer("A").setCorrectAnswer("B").setBackend(Backends.SIMULATED).setCreatedAtMs(0L)
                .build();
    }
}
