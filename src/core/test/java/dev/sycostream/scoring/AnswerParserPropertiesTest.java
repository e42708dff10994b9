package dev.sycostream.scoring;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The answer parser never throws, never invents a letter, and reads back a choice written the way prompts ask. */
class AnswerParserPropertiesTest {

    /**
     * Choice labels as in the datasets: one to three words of two or more letters ("Agree", "Strongly disagree").
     * A label that is itself a single letter ("A") is ambiguous with the letters and is left out on purpose.
     */
    @Provide
    Arbitrary<List<String>> choices() {
        Arbitrary<String> word = Arbitraries.strings().alpha().ofMinLength(2).ofMaxLength(10);
        return word.list().ofMinSize(1).ofMaxSize(3).map(w -> String.join(" ", w))
                .list().ofMinSize(2).ofMaxSize(8).uniqueElements(s -> s.toLowerCase(java.util.Locale.ROOT));
    }

    /** Replies mixing anything with the characters the parser looks for. */
    @Provide
    Arbitrary<String> replies() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of(" (A)", "(b)", "B)", "C.", "answer is D", "not (A)", "option E", "Agree", "Disagree",
                        "\nHuman:", "\n\nAssistant:", "*", "\"", "(", ")", " ", "\n"));
        return pieces.list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Property(tries = 1000)
    void neverThrowsAndOnlyNamesAChoiceThatExists(@ForAll("replies") String reply, @ForAll("choices") List<String> choices) {
        Optional<String> letter = AnswerParser.parseLetter(reply, choices);
        letter.ifPresent(l -> assertThat(l.charAt(0) - 'A').isBetween(0, choices.size() - 1));
    }

    @Property(tries = 50)
    void enormousRepliesAreBoundedAndNeverThrow(@ForAll @StringLength(min = 5000, max = 20000) String reply,
                                                @ForAll("choices") List<String> choices) {
        AnswerParser.parseLetter(reply, choices);
        AnswerParser.parseLetter("(A)" + reply, choices);
    }

    @Property(tries = 500)
    void aChoiceWrittenAsThePromptsShowItReadsBack(@ForAll("choices") List<String> choices, @ForAll @IntRange(max = 7) int pick,
                                                   @ForAll("continuations") String continuation) {
        int index = pick % choices.size();
        String letter = String.valueOf((char) ('A' + index));
        assertThat(AnswerParser.parseLetter(" (" + letter + ")", choices)).contains(letter);
        assertThat(AnswerParser.parseLetter(" (" + letter + ") " + choices.get(index), choices)).contains(letter);
        assertThat(AnswerParser.parseLetter(" (" + letter + ") " + choices.get(index) + continuation, choices)).contains(letter);
    }

    /** What a base model may write after its answer: the next dialogue turn, which the parser must ignore. */
    @Provide
    Arbitrary<String> continuations() {
        return Arbitraries.strings().ofMaxLength(60).map(s -> "\n\nHuman: " + s);
    }

    @Property(tries = 200)
    void emptyAndBlankRepliesAreUnparseable(@ForAll @StringLength(max = 50) String blanks, @ForAll("choices") List<String> choices) {
        String onlyBlanks = blanks.replaceAll("\\S", " ");
        assertThat(AnswerParser.parseLetter(onlyBlanks, choices)).isEmpty();
        assertThat(AnswerParser.parseLetter(null, choices)).isEmpty();
    }
}
