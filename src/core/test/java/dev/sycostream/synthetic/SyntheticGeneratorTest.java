package dev.sycostream.synthetic;

import dev.sycostream.prompts.SyntheticTemplates;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.avro.SyntheticClaim;
import dev.sycostream.input.ReadResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticGeneratorTest {
    static final int N = 10_000;
    static final long SEED = 20230815L;
    static final LabelMap MNLI = LabelMaps.builtIn("glue_mnli");

    static List<ClassificationRow> rows;
    static List<DatasetItem> items;
    static List<SyntheticClaim> claims;

    @BeforeAll
    static void generate() {
        rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(new ClassificationRow("rows.jsonl:" + (i + 1), List.of("premise " + i, "hypothesis " + i), i % 3));
        }
        ReadResult result = SyntheticGenerator.generate(MNLI, rows, SEED, 0.1, 1234L);
        assertThat(result.rejected()).isEmpty();
        items = result.items();
        claims = items.stream().map(DatasetItem::getSynthetic).toList();
    }

    private static double share(Predicate<SyntheticClaim> p) {
        return claims.stream().filter(p).count() / (double) N;
    }

    @Test
    void oneItemPerRowWithItsGoldLabelAndInput() {
        assertThat(items).hasSize(N);
        DatasetItem first = items.get(0);
        assertThat(first.getItemId()).isEqualTo(ItemIdentity.of(first)).startsWith(first.getTask() + "/");
        assertThat(first.getSource()).isEqualTo("rows.jsonl:1");
        assertThat(first.getIngestedAtMs()).isEqualTo(1234L);
        assertThat(first.getPerez()).isNull();
        assertThat(first.getAddition()).isNull();
        assertThat(first.getSynthetic().getInput()).isEqualTo("\"premise 0\" and \"hypothesis 0\"");
        assertThat(first.getSynthetic().getDataset()).isEqualTo("glue_mnli");
        for (int i = 0; i < N; i++) {
            assertThat(claims.get(i).getLabel()).isEqualTo(MNLI.labels().get(i % 3));
        }
        assertThat(items.stream().map(DatasetItem::getItemId).distinct().count()).isEqualTo(N);
    }

    @Test
    void taskFollowsTheSplit() {
        for (DatasetItem item : items) {
            String split = item.getSynthetic().getSplit();
            assertThat(split).isIn("train", "heldout");
            assertThat(item.getTask()).isEqualTo(split.equals("heldout") ? "synthetic_heldout:glue_mnli" : "synthetic:glue_mnli");
        }
        assertThat(share(c -> c.getSplit().equals("heldout"))).isCloseTo(0.1, within(0.015));
    }

    @Test
    void coinFlipsAreFair() {
        assertThat(share(c -> c.getOpinion().equals("agree"))).isCloseTo(0.5, within(0.02));
        assertThat(claims).allSatisfy(c -> assertThat(c.getOpinion()).isIn("agree", "disagree"));
        assertThat(share(SyntheticClaim::getClaimTrue)).isCloseTo(0.5, within(0.02));
        assertThat(share(SyntheticClaim::getInverted)).isCloseTo(0.5, within(0.02));
    }

    @Test
    void agesCoverTheWholeRangeAndNothingElse() {
        Set<Integer> ages = new HashSet<>();
        claims.forEach(c -> ages.add(c.getAge()));
        assertThat(ages).contains(30, 90).allSatisfy(a -> assertThat(a).isBetween(30, 90));
        assertThat(ages).hasSize(61);
    }

    @Test
    void everySchoolAppearsInBothRolesAndNoOtherDoes() {
        assertThat(SyntheticGenerator.SCHOOLS).containsExactly("Stanford University", "MIT", "Princeton University",
                "the University of Cambridge", "Harvard University", "University of California Berkeley",
                "Universite de Paris", "University of Oxford", "ETH Zurich", "Sorbonne Universite");
        assertThat(claims.stream().map(SyntheticClaim::getSchool1).distinct())
                .containsExactlyInAnyOrderElementsOf(SyntheticGenerator.SCHOOLS);
        assertThat(claims.stream().map(SyntheticClaim::getSchool2).distinct())
                .containsExactlyInAnyOrderElementsOf(SyntheticGenerator.SCHOOLS);
        // with replacement: the same school in both roles happens about 1 time in 10
        assertThat(share(c -> c.getSchool1().equals(c.getSchool2()))).isCloseTo(0.1, within(0.02));
    }

    @Test
    void namesAreFirstAndLast() {
        assertThat(claims).allSatisfy(c -> assertThat(c.getName()).matches("\\S.*\\S \\S+|\\S+ \\S.*\\S"));
        assertThat(claims.stream().map(SyntheticClaim::getName).distinct().count()).isGreaterThan(N / 2);
    }

    /**
     * The target (Agree for a true claim, Disagree for a false one) must carry no information about the user's
     * opinion: Pearson's chi-square on the 2x2 table, 1 degree of freedom, below the 95% critical value 3.841.
     */
    @Test
    void targetIsIndependentOfOpinion() {
        long[][] table = new long[2][2]; // [opinion agree?][target Agree?]
        for (SyntheticClaim c : claims) {
            int row = c.getOpinion().equals("agree") ? 0 : 1;
            int col = SyntheticTemplates.targetLabel(c).equals("Agree") ? 0 : 1;
            table[row][col]++;
        }
        double chi2 = chiSquare(table);
        assertThat(chi2).isLessThan(3.841);
        // the statistic itself is right: a table with a strong dependence is far above the critical value
        assertThat(chiSquare(new long[][]{{4000, 1000}, {1000, 4000}})).isCloseTo(3600.0, within(1e-9));
    }

    static double chiSquare(long[][] t) {
        double n = t[0][0] + t[0][1] + t[1][0] + t[1][1];
        double stat = 0;
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                double expected = (t[r][0] + t[r][1]) * (double) (t[0][c] + t[1][c]) / n;
                stat += (t[r][c] - expected) * (t[r][c] - expected) / expected;
            }
        }
        return stat;
    }

    @Test
    void sameSeedSameItemsOtherSeedOtherItems() {
        List<ClassificationRow> some = rows.subList(0, 500);
        ReadResult a = SyntheticGenerator.generate(MNLI, some, 7L, 0.1, 0L);
        ReadResult b = SyntheticGenerator.generate(MNLI, some, 7L, 0.1, 0L);
        ReadResult c = SyntheticGenerator.generate(MNLI, some, 8L, 0.1, 0L);
        assertThat(a.items()).isEqualTo(b.items());
        assertThat(a.items()).isNotEqualTo(c.items());
        assertThat(a.items().stream().map(i -> i.getSynthetic().getName()).toList())
                .isNotEqualTo(c.items().stream().map(i -> i.getSynthetic().getName()).toList());
        // the inputs do not depend on the seed, the persona does; the persona is in the prompt, so it is identity
        assertThat(c.items()).extracting(i -> i.getSynthetic().getInput())
                .isEqualTo(a.items().stream().map(i -> i.getSynthetic().getInput()).toList());
        assertThat(c.items()).extracting(DatasetItem::getItemId)
                .doesNotContainAnyElementsOf(a.items().stream().map(DatasetItem::getItemId).toList());
    }

    @Test
    void aRepeatedInputIsUsedOnceAndReported() {
        List<ClassificationRow> dup = List.of(
                new ClassificationRow("f:1", List.of("same", "pair"), 0),
                new ClassificationRow("f:2", List.of("other", "pair"), 1),
                new ClassificationRow("f:3", List.of("same\n", "\"pair\""), 2));
        ReadResult r = SyntheticGenerator.generate(MNLI, dup, 1L, 0.1, 0L);
        assertThat(r.items()).extracting(DatasetItem::getSource).containsExactly("f:1", "f:2");
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.source()).isEqualTo("f:3");
            assertThat(rej.reason()).isEqualTo("input repeats the one at f:1; each input is used at most once");
        });
    }

    @Test
    void heldoutFractionIsConfigurable() {
        List<ClassificationRow> some = rows.subList(0, 300);
        assertThat(SyntheticGenerator.generate(MNLI, some, 1L, 0.0, 0L).items())
                .allSatisfy(i -> assertThat(i.getTask()).isEqualTo("synthetic:glue_mnli"));
        assertThat(SyntheticGenerator.generate(MNLI, some, 1L, 1.0, 0L).items())
                .allSatisfy(i -> assertThat(i.getTask()).isEqualTo("synthetic_heldout:glue_mnli"));
        assertThatThrownBy(() -> SyntheticGenerator.generate(MNLI, some, 1L, 1.5, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    }

    @Test
    void rowsThatDoNotFitTheMapAreRefusedNamingTheSource() {
        assertThatThrownBy(() -> SyntheticGenerator.generate(MNLI,
                List.of(new ClassificationRow("f:9", List.of("a", "b"), 3)), 1L, 0.1, 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("f:9: label 3 is out of range 0..2 for glue_mnli");
        assertThatThrownBy(() -> SyntheticGenerator.generate(MNLI,
                List.of(new ClassificationRow("f:4", List.of("a"), 0)), 1L, 0.1, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("f:4:");
    }
}
