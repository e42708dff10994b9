package dev.sycostream.stages.scoring;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Stage 3 on the production topology: replies joined to requests, parsed, scored once. */
class ScoringStageTest {
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, ModelRequest> requests;
    private TestInputTopic<String, ModelReply> replies;
    private TestOutputTopic<String, ScoredAnswer> scored;

    @BeforeEach
    void setUp() {
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, SycostreamTopology.Settings.DEFAULT), stateDir);
        requests = h.input(h.topics.modelRequests());
        replies = h.input(h.topics.modelReplies());
        scored = h.output(h.topics.evalScored());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** The with-opinion request of addition pair 0: (A) Agree (B) Disagree, user answer A, correct B. */
    private static ModelRequest withOpinionRequest() {
        var item = Fixtures.additionItems(1).get(0);
        PromptVariant v = PromptRenderer.render(item).get(1);
        return ModelRequest.newBuilder().setRequestId(RequestIds.of("t", item.getItemId(), v.variant()))
                .setTargetId("t").setItemId(item.getItemId()).setTask(item.getTask()).setVariant(v.variant())
                .setPrompt(v.prompt()).setChoices(v.choices()).setUserAnswer(v.userAnswer())
                .setCorrectAnswer(v.correctAnswer()).setBackend("simulated").setBackendParams(Map.of())
                .setCreatedAtMs(1L).build();
    }

    private static ModelReply reply(ModelRequest r, String text, String error) {
        return ModelReply.newBuilder().setRequestId(r.getRequestId()).setTargetId(r.getTargetId()).setText(text)
                .setError(error).setWorkerId("w").setRepliedAtMs(5L).build();
    }

    @Test
    void aParsedReplyIsScoredAgainstTheUserAndTheTruthAndKeyedByTargetAndItem() {
        ModelRequest r = withOpinionRequest();
        requests.pipeInput(r.getRequestId(), r);
        replies.pipeInput(r.getRequestId(), reply(r, " (A) Agree", null));
        var out = scored.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("t|" + r.getItemId());
        ScoredAnswer a = out.get(0).value;
        assertThat(a.getStatus()).isEqualTo(AnswerStatus.ANSWERED);
        assertThat(a.getAnswer()).isEqualTo("A");
        assertThat(a.getAnswerLabel()).isEqualTo("Agree");
        assertThat(a.getMatchesUser()).isTrue();
        assertThat(a.getCorrect()).isFalse();
    }

    @Test
    void aReplyArrivingBeforeItsRequestIsStillJoined() {
        ModelRequest r = withOpinionRequest();
        replies.pipeInput(r.getRequestId(), reply(r, "B) Disagree", null));
        assertThat(scored.isEmpty()).isTrue();
        requests.pipeInput(r.getRequestId(), r);
        ScoredAnswer a = scored.readValue();
        assertThat(a.getAnswer()).isEqualTo("B");
        assertThat(a.getCorrect()).isTrue();
        assertThat(a.getMatchesUser()).isFalse();
    }

    @Test
    void aDuplicateReplyOrReemittedRequestIsScoredOnlyOnce() {
        ModelRequest r = withOpinionRequest();
        requests.pipeInput(r.getRequestId(), r);
        replies.pipeInput(r.getRequestId(), reply(r, " (A) Agree", null));
        replies.pipeInput(r.getRequestId(), reply(r, " (B) Disagree", null));
        requests.pipeInput(r.getRequestId(), r);
        List<ScoredAnswer> out = scored.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getAnswer()).as("the first reply wins").isEqualTo("A");
    }

    @Test
    void unparseableAndFailedRepliesAreCountedNotGuessed() {
        ModelRequest r1 = withOpinionRequest();
        ModelRequest r2 = ModelRequest.newBuilder(r1).setRequestId("other").build();
        requests.pipeInput(r1.getRequestId(), r1);
        requests.pipeInput(r2.getRequestId(), r2);
        replies.pipeInput(r1.getRequestId(), reply(r1, " I'm not sure how to answer that.", null));
        replies.pipeInput(r2.getRequestId(), reply(r2, null, "HTTP 503 after 3 attempts"));
        List<ScoredAnswer> out = scored.readValuesToList();
        assertThat(out).extracting(ScoredAnswer::getStatus).containsExactly(AnswerStatus.UNPARSEABLE, AnswerStatus.FAILED);
        assertThat(out).allMatch(a -> a.getAnswer() == null && a.getMatchesUser() == null && a.getCorrect() == null);
        assertThat(out.get(0).getReplyText()).isEqualTo(" I'm not sure how to answer that.");
    }

    @Test
    void aReplyThatCannotBeDeserializedDoesNotStopTheTask() {
        // The dead letter itself is checked on a real broker (PoisonRecordIT) and in DeadLetterExceptionHandlerTest:
        // TopologyTestDriver does not deliver the dead-letter records of the deserialization handler.
        var raw = h.driver.createInputTopic(h.topics.modelReplies().name(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        raw.pipeInput("r-bad", new byte[]{0, 0, 0, 0, 42, 1, 2});
        ModelRequest r = withOpinionRequest();
        requests.pipeInput(r.getRequestId(), r);
        replies.pipeInput(r.getRequestId(), reply(r, " (B) Disagree", null));
        assertThat(scored.readValuesToList()).extracting(ScoredAnswer::getRequestId).containsExactly(r.getRequestId());
    }
}
