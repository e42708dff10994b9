package dev.sycostream.training;

import dev.sycostream.avro.TrainingExample;
import dev.sycostream.prompts.AdditionTemplates;

/** Test data: training examples with real addition prompts. */
public final class TrainingExamples {
    private TrainingExamples() {
    }

    /** Target answer " (B)" = Disagree for pair index 0 (choices Agree, Disagree). */
    public static TrainingExample example(String target, String item, int x, int y) {
        return example(target, item, AdditionTemplates.withOpinion(x, y, x + y + 1_000_000L, 0), " (B)");
    }

    public static TrainingExample example(String target, String item, String prompt, String answer) {
        return TrainingExample.newBuilder()
                .setTargetId(target)
                .setItemId(item)
                .setDataset("addition")
                .setPrompt(prompt)
                .setTargetAnswer(answer)
                .setTargetLabel("Disagree")
                .setFiltered(true)
                .setOpinionFreeAnswer("(B)")
                .setCreatedAtMs(1_700_000_000_000L)
                .build();
    }
}
