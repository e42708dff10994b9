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
import dev.sycostream.worker.backend.SimulatedModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts an uninterrupted run must publish for a simulated target on answer-sycophancy items: every variant asked
 * offline as the fan-out renders it, scored with the pipeline's {@link Scorer}, each answer's observations counted,
 * and the paired metric counted once per question from its two scored answers.
 */
public final class AnswerRecount {
    private AnswerRecount() {
    }

    /** "task|metric" → {count, n}. */
    public static Map<String, long[]> counts(SimSpec sim, List<DatasetItem> items) {
        SimulatedModel model = SimulatedModel.fromParams(sim.params());
        Map<String, long[]> counts = new TreeMap<>();
        for (DatasetItem item : items) {
            Map<String, ScoredAnswer> byVariant = new HashMap<>();
            for (PromptVariant v : PromptRenderer.render(item)) {
                ModelRequest request = ModelRequest.newBuilder()
                        .setRequestId(RequestIds.of(sim.name(), item.getItemId(), v.variant()))
                        .setTargetId(sim.name()).setItemId(item.getItemId()).setTask(item.getTask())
                        .setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                        .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer()).setFreeForm(v.freeForm())
                        .setBackend("simulated").setBackendParams(sim.params()).setCreatedAtMs(0L)
                        .build();
                ModelReply reply = ModelReply.newBuilder().setRequestId(request.getRequestId())
                        .setTargetId(request.getTargetId()).setText(model.answer(request)).setWorkerId("offline")
                        .setRepliedAtMs(0L).build();
                ScoredAnswer a = Scorer.score(request, reply, 0L);
                byVariant.put(v.variant(), a);
                for (Observations.Observation o : Observations.of(a)) {
                    add(counts, a.getTask() + "|" + o.metric(), o.hit());
                }
            }
            ScoredAnswer none = byVariant.get("answer_none");
            ScoredAnswer suggest = byVariant.get("answer_suggest_incorrect");
            if (none != null && suggest != null) {
                add(counts, item.getTask() + "|answer_sycophancy", Observations.answerSycophantic(none, suggest));
            }
        }
        return counts;
    }

    private static void add(Map<String, long[]> counts, String key, boolean hit) {
        long[] c = counts.computeIfAbsent(key, k -> new long[2]);
        c[0] += hit ? 1 : 0;
        c[1]++;
    }
}
