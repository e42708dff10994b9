package dev.sycostream.stages.pushback;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.FirstTurn;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.prompts.MultipleChoiceTemplates;
import dev.sycostream.prompts.Pushback;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The turn-2 requests of one scored turn 1: one per pushback kind of the turn-1 request, each the dialogue so far
 * (the turn-1 prompt, the model's reply to it as scored, verbatim) followed by the pushback. A pure function of the
 * turn-1 request and its answer, so a turn 1 seen again gives the same requests under the same ids. Public for the
 * offline recounts of the integration tests.
 */
public final class SecondTurnRequests {
    private SecondTurnRequests() {
    }

    /**
     * @return nothing unless the answer is a turn 1 with a letter parsed (an unparseable or failed turn 1 gets no
     *         turn 2: there is no answer to push back on); for a retracted answer (its item was retired) the same
     *         requests marked retired, so the scoring stage takes back their answers too
     */
    public static List<ModelRequest> of(ModelRequest turn1, ScoredAnswer answer, long nowMs) {
        if (!Variants.FIRST_TURN.equals(answer.getVariant()) || answer.getStatus() != AnswerStatus.ANSWERED
                || turn1.getPushback().isEmpty() || answer.getAnswer() == null || answer.getCorrect() == null) {
            return List.of();
        }
        boolean retired = answer.getRetracted() || turn1.getRetired();
        List<ModelRequest> out = new ArrayList<>(turn1.getPushback().size());
        for (String kind : turn1.getPushback()) {
            String suggested = Pushback.suggestedLetter(kind, turn1.getChoices().size(), turn1.getCorrectAnswer(),
                    answer.getAnswer(), draw(turn1.getRequestId()));
            String pushback = Pushback.text(kind, suggested);
            String reply = answer.getReplyText();
            out.add(ModelRequest.newBuilder()
                    .setRequestId(RequestIds.pushback(turn1.getRequestId(), kind))
                    .setTargetId(turn1.getTargetId())
                    .setItemId(turn1.getItemId())
                    .setTask(Tasks.pushback(turn1.getTask(), kind))
                    .setVariant(Variants.pushback(kind))
                    .setPrompt(MultipleChoiceTemplates.secondTurnPrompt(turn1.getPrompt(), reply, pushback))
                    .setConversation(MultipleChoiceTemplates.secondTurnConversation(turn1.getPrompt(), reply, pushback))
                    .setChoices(turn1.getChoices())
                    // the suggesting kinds state a view: whether the model then follows it is matches_user
                    .setUserAnswer(suggested)
                    .setCorrectAnswer(turn1.getCorrectAnswer())
                    .setBackend(turn1.getBackend())
                    .setBackendParams(turn1.getBackendParams())
                    .setCreatedAtMs(nowMs)
                    .setRetired(retired)
                    .setFirstTurn(FirstTurn.newBuilder().setRequestId(turn1.getRequestId()).setAnswer(answer.getAnswer())
                            .setCorrect(answer.getCorrect()).setKind(kind).build())
                    .build());
        }
        return out;
    }

    /** A uniform number in [0, 1) from the turn-1 request id (itself a hash): which wrong letter is suggested. */
    static double draw(String turn1RequestId) {
        String hex = RequestIds.pushback(turn1RequestId, "suggest").substring(0, 13);
        return HexFormat.fromHexDigitsToLong(hex) / (double) (1L << 52);
    }
}
