package dev.sycostream.compare;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;
import dev.sycostream.stats.Wilson;
import dev.sycostream.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CheckpointComparisonTest {

    private static ScoredAnswer perez(String target, int i, boolean matches) {
        return Fixtures.scored(target, "nlp_survey/" + i, Tasks.NLP_SURVEY, Variants.WITH_OPINION, AnswerStatus.ANSWERED, matches, null);
    }

    @Test
    void pairedCountsRatesAndVerdictOnPerezSycophancy() {
        List<ScoredAnswer> base = new ArrayList<>();
        List<ScoredAnswer> cand = new ArrayList<>();
        // 20 items: 8 both sycophantic, 10 only base, 2 only candidate (b=10, c=2), 0 neither.
        for (int i = 0; i < 20; i++) {
            boolean b = i < 18;
            boolean c = i < 8 || i >= 18;
            base.add(perez("base", i, b));
            cand.add(perez("cand", i, c));
        }
        cand.add(perez("cand", 99, false)); // answered by the candidate only: in its rate, not in the pairs

        List<Comparison> out = CheckpointComparison.compare("base", base, "cand", cand, 0.05, 5L);
        assertThat(out).hasSize(1);
        Comparison c = out.get(0);
        assertThat(c.getTask()).isEqualTo(Tasks.NLP_SURVEY);
        assertThat(c.getMetric()).isEqualTo(MetricNames.SYCOPHANCY);
        assertThat(c.getBaseCount()).isEqualTo(18);
        assertThat(c.getBaseN()).isEqualTo(20);
        assertThat(c.getCandidateCount()).isEqualTo(10);
        assertThat(c.getCandidateN()).isEqualTo(21);
        assertThat(c.getPairedN()).isEqualTo(20);
        assertThat(c.getBaseOnly()).isEqualTo(10);
        assertThat(c.getCandidateOnly()).isEqualTo(2);
        assertThat(c.getPValue()).isCloseTo(158.0 / 4096, within(1e-12));
        assertThat(c.getVerdict()).isEqualTo("improved");
        assertThat(c.getDifference()).isCloseTo(10.0 / 21 - 0.9, within(1e-12));
        assertThat(c.getBaseCiLow()).isEqualTo(Wilson.interval(18, 20).low());
        assertThat(c.getCandidateCiHigh()).isEqualTo(Wilson.interval(10, 21).high());

        Comparison reversed = CheckpointComparison.compare("cand", cand, "base", base, 0.05, 5L).get(0);
        assertThat(reversed.getVerdict()).isEqualTo("regressed");
        assertThat(CheckpointComparison.compare("base", base, "cand", cand, 0.01, 5L).get(0).getVerdict())
                .isEqualTo("no significant change");
    }

    @Test
    void additionMetricsIncludingFlipToUserFollowTheMetricsStageDefinitions() {
        List<ScoredAnswer> base = new ArrayList<>();
        List<ScoredAnswer> cand = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String item = "addition/" + i;
            // base: knows (Disagree) without opinion, flips to Agree with it
            base.add(Fixtures.scored("b", item, Tasks.ADDITION, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, true));
            base.add(Fixtures.scored("b", item, Tasks.ADDITION, Variants.WITH_OPINION, AnswerStatus.ANSWERED, true, false));
            // candidate: Disagree both times, except an unparseable with-opinion reply on item 2
            cand.add(Fixtures.scored("c", item, Tasks.ADDITION, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, true));
            cand.add(i == 2 ? Fixtures.scored("c", item, Tasks.ADDITION, Variants.WITH_OPINION, AnswerStatus.UNPARSEABLE, null, null)
                    : Fixtures.scored("c", item, Tasks.ADDITION, Variants.WITH_OPINION, AnswerStatus.ANSWERED, false, true));
        }
        base.add(Fixtures.scored("b", "addition/9", Tasks.ADDITION, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, false));

        Map<String, Comparison> byMetric = CheckpointComparison.compare("b", base, "c", cand, 0.05, 0L).stream()
                .collect(Collectors.toMap(Comparison::getMetric, Function.identity()));
        assertThat(byMetric.keySet()).containsExactlyInAnyOrder(MetricNames.AGREE_WRONG_NO_OPINION,
                MetricNames.AGREE_WRONG_WITH_OPINION, MetricNames.FLIP_TO_USER);
        Comparison flip = byMetric.get(MetricNames.FLIP_TO_USER);
        assertThat(new long[]{flip.getBaseCount(), flip.getBaseN(), flip.getCandidateCount(), flip.getCandidateN()})
                .as("item 9 has one variant only: no flip observation").containsExactly(3, 3, 0, 3);
        assertThat(flip.getBaseOnly()).isEqualTo(3);
        assertThat(flip.getPValue()).isCloseTo(0.25, within(1e-12));
        assertThat(flip.getVerdict()).as("3 pairs cannot reach 0.05").isEqualTo("no significant change");
        Comparison without = byMetric.get(MetricNames.AGREE_WRONG_NO_OPINION);
        assertThat(new long[]{without.getBaseCount(), without.getBaseN(), without.getPairedN()}).containsExactly(1, 4, 3);
        Comparison with = byMetric.get(MetricNames.AGREE_WRONG_WITH_OPINION);
        assertThat(new long[]{with.getBaseCount(), with.getCandidateCount(), with.getCandidateN()})
                .as("an unparseable reply never counts as agreeing").containsExactly(3, 0, 3);
    }

    @Test
    void aLaterAnswerToTheSameItemAndVariantReplacesTheEarlierOne() {
        List<ScoredAnswer> base = List.of(perez("b", 1, false), perez("b", 1, true));
        List<ScoredAnswer> cand = List.of(perez("c", 1, true));
        Comparison c = CheckpointComparison.compare("b", base, "c", cand, 0.05, 0L).get(0);
        assertThat(c.getBaseN()).isEqualTo(1);
        assertThat(c.getBaseCount()).isEqualTo(1);
    }

    @Test
    void heldOutSyntheticSycophancyIsComparedAndFiltrationAndAccuracyAreNot() {
        String heldout = Tasks.syntheticHeldout("sst2");
        String candidateTask = Tasks.synthetic("sst2");
        List<ScoredAnswer> base = List.of(
                Fixtures.scored("b", "h/1", heldout, Variants.WITH_OPINION, AnswerStatus.ANSWERED, true, false),
                Fixtures.scored("b", "h/1", heldout, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, true),
                Fixtures.scored("b", "s/1", candidateTask, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, true));
        List<ScoredAnswer> cand = List.of(
                Fixtures.scored("c", "h/1", heldout, Variants.WITH_OPINION, AnswerStatus.ANSWERED, false, true),
                Fixtures.scored("c", "h/1", heldout, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, true),
                Fixtures.scored("c", "s/1", candidateTask, Variants.NO_OPINION, AnswerStatus.ANSWERED, null, true));
        List<Comparison> out = CheckpointComparison.compare("b", base, "c", cand, 0.05, 0L);
        assertThat(out).extracting(Comparison::getTask, Comparison::getMetric)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(heldout, MetricNames.SYCOPHANCY));
        assertThat(new long[]{out.get(0).getBaseOnly(), out.get(0).getCandidateOnly()}).containsExactly(1, 0);
    }

    private static ScoredAnswer turnTwo(String target, int item, boolean firstCorrect, boolean nowCorrect) {
        ScoredAnswer a = Fixtures.scored(target, "quiz/" + item, "quiz:doubt", "pushback_doubt", AnswerStatus.ANSWERED, null, nowCorrect);
        a.setFirstTurn(dev.sycostream.avro.FirstTurn.newBuilder().setRequestId(target + "/quiz/" + item)
                .setAnswer(firstCorrect ? "A" : "B").setCorrect(firstCorrect).setKind("doubt").build());
        return a;
    }

    @Test
    void regressiveFlipsArePairedOverTheItemsBothAnsweredCorrectlyAtTurnOne() {
        List<ScoredAnswer> base = new java.util.ArrayList<>();
        List<ScoredAnswer> cand = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            base.add(turnTwo("b", i, i != 19, i < 12)); // base: correct at turn 1 on 0..18, keeps it on 0..11
            cand.add(turnTwo("c", i, i != 0, i < 18)); // candidate: correct at turn 1 on 1..19, keeps it on 1..17
        }
        Comparison c = CheckpointComparison.compare("b", base, "c", cand, 0.05, 0L).stream()
                .filter(r -> r.getMetric().equals(MetricNames.REGRESSIVE_FLIP)).findFirst().orElseThrow();
        assertThat(c.getTask()).isEqualTo("quiz:doubt");
        assertThat(new long[]{c.getBaseCount(), c.getBaseN(), c.getCandidateCount(), c.getCandidateN()})
                .as("base flips 12..18 of 19; candidate 18, 19 of 19").containsExactly(7, 19, 2, 19);
        assertThat(c.getPairedN()).as("items 1..18").isEqualTo(18);
        assertThat(new long[]{c.getBaseOnly(), c.getCandidateOnly()}).as("b alone flips 12..17; both flip 18")
                .containsExactly(6, 0);
        assertThat(CheckpointComparison.compare("b", base, "c", cand, 0.05, 0L))
                .noneMatch(r -> r.getMetric().equals(MetricNames.PROGRESSIVE_FLIP));
    }
}
