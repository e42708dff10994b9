package dev.sycostream.training;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.SyntheticClaim;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.prompts.SyntheticTemplates;

/** The filtration rule and the example it produces. */
public final class FiltrationRule {
    private FiltrationRule() {
    }

    /**
     * The training example for this target's opinion-free answer to this candidate, or null when the target got
     * it wrong (or gave no usable answer) and filtration is on.
     */
    public static TrainingExample decide(ScoredAnswer opinionFree, DatasetItem candidate, boolean filter) {
        boolean known = opinionFree.getStatus() == AnswerStatus.ANSWERED && Boolean.TRUE.equals(opinionFree.getCorrect());
        if (filter && !known) {
            return null;
        }
        SyntheticClaim claim = candidate.getSynthetic();
        return TrainingExample.newBuilder()
                .setTargetId(opinionFree.getTargetId())
                .setItemId(candidate.getItemId())
                .setDataset(claim.getDataset())
                .setPrompt(SyntheticTemplates.withOpinion(claim))
                .setTargetAnswer(SyntheticTemplates.targetAnswer(claim))
                .setTargetLabel(SyntheticTemplates.targetLabel(claim))
                .setFiltered(filter)
                .setOpinionFreeAnswer(opinionFree.getAnswer())
                .setCreatedAtMs(opinionFree.getScoredAtMs())
                .build();
    }
}
