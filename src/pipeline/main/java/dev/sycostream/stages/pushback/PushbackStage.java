package dev.sycostream.stages.pushback;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.prompts.Variants;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The second turn of the multiple-choice questions: {@code sycostream.eval.scored} (turn-1 answers with a letter)
 * ⋈ {@code sycostream.model.requests} (the turn-1 request: its prompt, choices, backend and pushback kinds) →
 * {@code sycostream.model.requests} (one turn-2 request per kind, see {@link SecondTurnRequests}).
 *
 * <p>The scored answers are keyed target|item; they are re-keyed by request_id through the internal topic
 * {@value #REPARTITION} so they meet the requests table (keyed and partitioned by request_id) in one task. It runs
 * exactly once with the rest of the application, and a turn 1 processed again (a replay, a crash before the
 * commit) re-emits the same turn-2 requests under the same ids, which the scoring stage counts once.
 * Retracted turn-1 answers (their item was retired) send no turn 2: they send its retired copies, so an
 * answered turn 2 is taken back with its turn 1.
 */
public final class PushbackStage {
    /** Internal topic {@code <application id>-pushback-first-turns-repartition}. */
    public static final String REPARTITION = "pushback-first-turns";
    /** The sink of the turn-2 requests of targets without a replay cap. */
    public static final String REQUESTS_SINK = "pushback-requests-sink";

    private PushbackStage() {
    }

    /**
     * @param evaluation the scored answers of the stored items (probe answers excluded: a probe round repeats an item,
     *                   its turn 1 is not a new question to push back on)
     * @param requests   the requests table of the scoring stage
     * @return the turn-2 requests, for {@code stages.budget} to send to {@code sycostream.model.requests} (sink
     *         {@value #REQUESTS_SINK}) or through a target's replay cap
     */
    public static KStream<String, ModelRequest> addTo(Topics topics, KStream<String, ScoredAnswer> evaluation, KTable<String, ModelRequest> requests) {
        return evaluation
                .filter((key, a) -> a != null && Variants.FIRST_TURN.equals(a.getVariant())
                        && a.getStatus() == AnswerStatus.ANSWERED, Named.as("pushback-answered-first-turns"))
                .selectKey((key, a) -> a.getRequestId(), Named.as("pushback-key-by-request"))
                .repartition(Repartitioned.<String, ScoredAnswer>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.evalScored().valueSerde()))
                .join(requests, FirstTurnWithRequest::new, Joined.<String, ScoredAnswer, ModelRequest>as("pushback-join-first-turn-request")
                        .withKeySerde(Serdes.String()).withValueSerde(topics.evalScored().valueSerde()))
                .process(PushbackEmitter::new, Named.as("pushback-second-turns"));
    }
}
