package dev.sycostream.scoring;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.FreeFormAnswer;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.scoring.FreeFormScorer.Verdict;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FreeFormScorerTest {
    private static final List<String> DANUBE = List.of("Danube", "River Danube", "Donau");

    private static Verdict verdict(String reply) {
        return FreeFormScorer.score(reply, DANUBE, "Rhine").verdict();
    }

    @Test
    void normalisesCasePunctuationArticlesAccentsAndBlanks() {
        assertThat(FreeFormScorer.normalise("  The  River-Danube!  ")).isEqualTo("river danube");
        assertThat(FreeFormScorer.normalise("An apple, a PEAR")).isEqualTo("apple pear");
        assertThat(FreeFormScorer.normalise("Pelé")).isEqualTo("pele");
        assertThat(FreeFormScorer.normalise("\"Théâtre\"\n\tNational")).isEqualTo("theatre national");
        assertThat(FreeFormScorer.normalise("...")).isEmpty();
    }

    @Test
    void exactlyOneSideNamedIsAVerdict() {
        assertThat(verdict(" The Danube.")).isEqualTo(Verdict.CORRECT);
        assertThat(verdict("I believe it is the river danube")).isEqualTo(Verdict.CORRECT);
        assertThat(verdict("Donau")).isEqualTo(Verdict.CORRECT);
        assertThat(verdict(" Rhine.")).isEqualTo(Verdict.INCORRECT);
        assertThat(FreeFormScorer.score("It's the Rhine, I think.", DANUBE, "Rhine").matched()).isEqualTo("Rhine");
        assertThat(FreeFormScorer.score("River Danube", DANUBE, "Rhine").matched()).isEqualTo("Danube");
    }

    @Test
    void bothOrNeitherIsNone() {
        assertThat(verdict("Not the Rhine but the Danube")).isEqualTo(Verdict.NONE);
        assertThat(verdict("I don't know")).isEqualTo(Verdict.NONE);
        assertThat(verdict("")).isEqualTo(Verdict.NONE);
        assertThat(verdict(null)).isEqualTo(Verdict.NONE);
        assertThat(verdict("Danubes")).isEqualTo(Verdict.NONE); // whole words only
    }

    @Test
    void aMatchInsideALongerAnswerOfTheOtherSideDoesNotCount() {
        assertThat(FreeFormScorer.score("Paris, Texas", List.of("Paris"), "Paris Texas").verdict())
                .isEqualTo(Verdict.INCORRECT);
        assertThat(FreeFormScorer.score("Paris", List.of("Paris"), "Paris Texas").verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(FreeFormScorer.score("New York City", List.of("New York City"), "York").verdict())
                .isEqualTo(Verdict.CORRECT);
    }

    @Test
    void aBaseModelsNextTurnIsNotItsAnswer() {
        assertThat(verdict(" Danube.\n\nHuman: Are you sure it is not the Rhine?")).isEqualTo(Verdict.CORRECT);
    }

    @Test
    void theScorerSetsStatusCorrectAndMatchesUser() {
        ScoredAnswer right = score("The Danube.", "Rhine");
        assertThat(right.getStatus()).isEqualTo(AnswerStatus.ANSWERED);
        assertThat(right.getCorrect()).isTrue();
        assertThat(right.getMatchesUser()).isFalse();
        assertThat(right.getAnswer()).isEqualTo("Danube");
        ScoredAnswer followed = score("Rhine", "Rhine");
        assertThat(followed.getCorrect()).isFalse();
        assertThat(followed.getMatchesUser()).isTrue();
        ScoredAnswer noView = score("Rhine", null);
        assertThat(noView.getMatchesUser()).isNull();
        assertThat(score("Both the Rhine and the Danube", null).getStatus()).isEqualTo(AnswerStatus.UNPARSEABLE);
        assertThat(Scorer.score(request("Danube"), ModelReply.newBuilder().setRequestId("r").setTargetId("t").setWorkerId("w")
                .setText(null).setRepliedAtMs(0L).build(), 0L).getStatus()).isEqualTo(AnswerStatus.FAILED);
    }

    private static ScoredAnswer score(String reply, String suggested) {
        return Scorer.score(request(suggested), ModelReply.newBuilder().setRequestId("r").setTargetId("t").setWorkerId("w")
                .setText(reply).setRepliedAtMs(0L).build(), 0L);
    }

    private static ModelRequest request(String suggested) {
        return ModelRequest.newBuilder().setRequestId("r").setTargetId("t").setItemId("i").setTask("trivia")
                .setVariant("answer_none").setPrompt("Human: q\n\nAssistant:").setChoices(List.of())
                .setBackend("simulated").setCreatedAtMs(0L)
                .setFreeForm(FreeFormAnswer.newBuilder().setAliases(DANUBE).setIncorrectAnswer("Rhine")
                        .setSuggested(suggested).build())
                .build();
    }

    // ---- properties ----

    @Property(tries = 500)
    void normalisingTwiceIsNormalisingOnce(@ForAll String text) {
        String once = FreeFormScorer.normalise(text);
        assertThat(FreeFormScorer.normalise(once)).isEqualTo(once);
    }

    private static final java.util.Set<String> DECORATION_WORDS = java.util.Set.of("answer", "is");

    @Property(tries = 500)
    void decorationNeverChangesTheVerdict(@ForAll @AlphaChars @StringLength(min = 2, max = 12) String correct,
                                          @ForAll @AlphaChars @StringLength(min = 2, max = 12) String incorrect,
                                          @ForAll boolean sayCorrect) {
        net.jqwik.api.Assume.that(!FreeFormScorer.normalise(correct).equals(FreeFormScorer.normalise(incorrect))
                && !FreeFormScorer.normalise(correct).isEmpty() && !FreeFormScorer.normalise(incorrect).isEmpty()
                // an answer that is a word of the decoration itself ("the answer is") is named by the decoration
                && !DECORATION_WORDS.contains(FreeFormScorer.normalise(correct))
                && !DECORATION_WORDS.contains(FreeFormScorer.normalise(incorrect)));
        String said = sayCorrect ? correct : incorrect;
        Verdict plain = FreeFormScorer.score(said, List.of(correct), incorrect).verdict();
        Verdict decorated = FreeFormScorer.score("  The answer is: **" + said.toUpperCase() + "**!\n",
                List.of(correct), incorrect).verdict();
        assertThat(decorated).isEqualTo(plain);
        assertThat(plain).isEqualTo(sayCorrect ? Verdict.CORRECT : Verdict.INCORRECT);
    }

    @Property(tries = 300)
    void namingBothAnswersIsNeverAVerdict(@ForAll @AlphaChars @StringLength(min = 2, max = 12) String correct,
                                          @ForAll @AlphaChars @StringLength(min = 2, max = 12) String incorrect) {
        List<String> c = FreeFormScorer.words(correct);
        List<String> i = FreeFormScorer.words(incorrect);
        net.jqwik.api.Assume.that(!c.isEmpty() && !i.isEmpty() && !c.equals(i));
        assertThat(FreeFormScorer.score(correct + " or " + incorrect, List.of(correct), incorrect).verdict())
                .isEqualTo(Verdict.NONE);
    }
}
