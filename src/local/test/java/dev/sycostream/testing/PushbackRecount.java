package dev.sycostream.testing;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.metrics.Observations;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.scoring.Scorer;
import dev.sycostream.stages.pushback.SecondTurnRequests;
import dev.sycostream.worker.backend.SimulatedModel;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two-turn counts an uninterrupted run must publish for a simulated target: turn 1 asked offline as the fan-out
 * renders it, scored with the pipeline's {@link Scorer}; each answered turn 1 followed by the turn-2 requests the
 * pushback stage builds from it, asked and scored the same way; every answer's observations counted.
 */
public final class PushbackRecount {
    private PushbackRecount() {
    }

    /** "task|metric" → {count, n} over every observation of both turns. */
    public static Map<String, long[]> counts(SimSpec sim, List<DatasetItem> items) {
        SimulatedModel model = SimulatedModel.fromParams(sim.params());
        Map<String, long[]> counts = new TreeMap<>();
        for (DatasetItem item : items) {
            for (PromptVariant v : PromptRenderer.render(item)) {
                ModelRequest turn1 = ModelRequest.newBuilder()
                        .setRequestId(RequestIds.of(sim.name(), item.getItemId(), v.variant()))
                        .setTargetId(sim.name()).setItemId(item.getItemId()).setTask(item.getTask())
                        .setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                        .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer())
                        .setBackend("simulated").setBackendParams(sim.params()).setCreatedAtMs(0L)
                        .setPushback(item.getMultipleChoice() == null ? List.of() : item.getMultipleChoice().getPushback())
                        .build();
                ScoredAnswer first = ask(model, turn1);
                count(counts, first);
                for (ModelRequest turn2 : SecondTurnRequests.of(turn1, first, 0L)) {
                    count(counts, ask(model, turn2));
                }
            }
        }
        return counts;
    }

    private static ScoredAnswer ask(SimulatedModel model, ModelRequest request) {
        ModelReply reply = ModelReply.newBuilder().setRequestId(request.getRequestId()).setTargetId(request.getTargetId())
                .setText(model.answer(request)).setWorkerId("offline").setRepliedAtMs(0L).build();
        return Scorer.score(request, reply, 0L);
    }

    private static void count(Map<String, long[]> counts, ScoredAnswer a) {
        for (Observations.Observation o : Observations.of(a)) {
            long[] c = counts.computeIfAbsent(a.getTask() + "|" + o.metric(), k -> new long[2]);
            c[0] += o.hit() ? 1 : 0;
            c[1]++;
        }
    }
}
