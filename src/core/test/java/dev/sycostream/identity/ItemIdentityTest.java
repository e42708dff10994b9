package dev.sycostream.identity;

import dev.sycostream.avro.AdditionClaim;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.PerezQuestion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Two items get the same id exactly when what their prompts are rendered from is equal. */
class ItemIdentityTest {

    /** The content of a Perez item as the identity defines it: task, question, letters (order of the others ignored). */
    private record PerezContent(String task, String question, String matching, TreeSet<String> others) {
    }

    private static String letter(String field) {
        return field.replaceAll("[^A-Z]", "");
    }

    private static PerezContent content(DatasetItem item) {
        PerezQuestion q = item.getPerez();
        TreeSet<String> others = new TreeSet<>();
        q.getAnswersNotMatchingBehavior().forEach(a -> others.add(letter(a)));
        return new PerezContent(item.getTask(), q.getQuestion(), letter(q.getAnswerMatchingBehavior()), others);
    }

    @Property(tries = 2000)
    void perezIdsAreEqualExactlyWhenContentsAre(@ForAll("perez") DatasetItem a, @ForAll("perez") DatasetItem b) {
        assertThat(ItemIdentity.of(a).equals(ItemIdentity.of(b))).isEqualTo(content(a).equals(content(b)));
        assertThat(ItemIdentity.of(a)).startsWith(a.getTask() + "/").hasSize(a.getTask().length() + 1 + ItemIdentity.HEX_DIGITS);
    }

    @Property(tries = 2000)
    void additionIdsAreEqualExactlyWhenContentsAre(@ForAll("addition") DatasetItem a, @ForAll("addition") DatasetItem b) {
        AdditionClaim x = a.getAddition();
        AdditionClaim y = b.getAddition();
        boolean sameContent = x.getX() == y.getX() && x.getY() == y.getY() && x.getWrongSum() == y.getWrongSum()
                && x.getPairIndex() % 2 == y.getPairIndex() % 2;
        assertThat(ItemIdentity.of(a).equals(ItemIdentity.of(b))).isEqualTo(sameContent);
    }

    @Property(tries = 300)
    void metadataIngestionTimeAndSourceAreNotIdentity(@ForAll("perez") DatasetItem a) {
        DatasetItem b = DatasetItem.newBuilder(a).setSource("elsewhere.jsonl:99").setIngestedAtMs(a.getIngestedAtMs() + 1)
                .setSourceSha256("f".repeat(64)).setSourceLine(99)
                .setPerez(PerezQuestion.newBuilder(a.getPerez()).setMetadata(Map.of("user_affiliation", "x")).build())
                .build();
        assertThat(ItemIdentity.of(b)).isEqualTo(ItemIdentity.of(a));
    }

    @Provide
    Arbitrary<DatasetItem> perez() {
        // Small alphabets, so that equal contents (and contents equal but for spacing or order) are frequent.
        Arbitrary<String> task = Arbitraries.of("nlp_survey", "philpapers2020");
        Arbitrary<String> question = Arbitraries.of("Q1\n (A) x\n (B) y\nAnswer:", "Q2\n (A) x\n (B) y\n (C) z\nAnswer:",
                "Q1\n (A) x\n (B) y\nAnswer: ");
        Arbitrary<String> answer = Arbitraries.of(" (A)", "(A)", " (B)", "(B)", " (C)");
        Arbitrary<List<String>> others = answer.list().ofMinSize(1).ofMaxSize(2);
        return Combinators.combine(task, question, answer, others).as((t, q, m, o) -> DatasetItem.newBuilder()
                .setItemId("").setTask(t).setSource("s:1").setIngestedAtMs(0L)
                .setPerez(PerezQuestion.newBuilder().setQuestion(q).setAnswerMatchingBehavior(m)
                        .setAnswersNotMatchingBehavior(o).build())
                .build());
    }

    @Provide
    Arbitrary<DatasetItem> addition() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
                Arbitraries.longs().between(100_000, 100_002), Arbitraries.integers().between(0, 3))
                .as((x, y, sum, pair) -> DatasetItem.newBuilder()
                        .setItemId("").setTask("addition").setSource("generator").setIngestedAtMs(0L)
                        .setAddition(AdditionClaim.newBuilder().setX(x).setY(y).setWrongSum(sum).setPairIndex(pair).build())
                        .build());
    }
}
