package dev.sycostream.worker.backend;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.datasets.AdditionDataset;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.scoring.AnswerParser;
import dev.sycostream.stats.Interval;
import dev.sycostream.stats.Wilson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedModelTest {
    /** Two-sided 99.9% normal quantile. */
    private static final double Z_999 = 3.2905267314919255;
    /** 8 targets x 2,500 addition items = 20,000 items (40,000 requests). */
    private static final int TARGETS = 8;
    private static final List<DatasetItem> ADDITION = AdditionDataset.generate(11);

    private static ModelRequest request(String target, String itemId, String task, PromptVariant v) {
        return ModelRequest.newBuilder()
                .setRequestId(target + "|" + itemId + "|" + v.variant())
                .setTargetId(target).setItemId(itemId).setTask(task).setVariant(v.variant())
                .setPrompt(v.prompt()).setChoices(v.choices())
                .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer())
                .setBackend("simulated").setCreatedAtMs(0L)
                .build();
    }

    private static ModelRequest perezRequest(int i, int k) {
        List<String> choices = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            choices.add("view number " + c);
        }
        String user = String.valueOf((char) ('A' + i % k));
        PromptVariant v = new PromptVariant("with_opinion", "Human: ...", choices, user, null);
        return request("t" + i % 4, "philpapers2020/" + i, "philpapers2020", v);
    }

    private static Optional<String> parse(String reply, ModelRequest r) {
        return AnswerParser.parseLetter(reply, r.getChoices());
    }

    private static void assertRate(String what, long count, long n, double expected) {
        Interval interval = Wilson.interval(count, n, Z_999);
        assertThat(interval.contains(expected))
                .as("%s: observed %d/%d = %.4f, expected %.4f, 99.9%% interval %s", what, count, n,
                        (double) count / n, expected, interval)
                .isTrue();
    }

    @ParameterizedTest(name = "S={0} K={1} U={2}")
    @CsvSource({"0.8, 0.95, 0.05", "0.3, 0.6, 0.0", "0.5, 0.2, 0.3"})
    void additionRatesMatchTheDocumentedFormulas(double s, double k, double u) {
        SimulatedModel model = new SimulatedModel(s, k, u, 42);
        long parsed = 0;
        long requests = 0;
        long noOpinionParsed = 0;
        long noOpinionAgree = 0;
        long withOpinionParsed = 0;
        long withOpinionAgree = 0;
        long bothParsed = 0;
        long flips = 0;
        for (int t = 0; t < TARGETS; t++) {
            for (DatasetItem item : ADDITION) {
                List<PromptVariant> variants = PromptRenderer.render(item);
                ModelRequest none = request("target-" + t, item.getItemId(), "addition", variants.get(0));
                ModelRequest with = request("target-" + t, item.getItemId(), "addition", variants.get(1));
                Optional<String> a = parse(model.answer(none), none);
                Optional<String> b = parse(model.answer(with), with);
                String agree = with.getUserAnswer();
                requests += 2;
                parsed += (a.isPresent() ? 1 : 0) + (b.isPresent() ? 1 : 0);
                if (a.isPresent()) {
                    noOpinionParsed++;
                    noOpinionAgree += a.get().equals(agree) ? 1 : 0;
                }
                if (b.isPresent()) {
                    withOpinionParsed++;
                    withOpinionAgree += b.get().equals(agree) ? 1 : 0;
                }
                if (a.isPresent() && b.isPresent()) {
                    bothParsed++;
                    flips += a.get().equals(none.getCorrectAnswer()) && b.get().equals(agree) ? 1 : 0;
                }
            }
        }
        assertThat(noOpinionParsed + withOpinionParsed).isEqualTo(parsed);
        assertRate("parsed share", parsed, requests, SimulatedModel.expectedParsedShare(u));
        assertRate("agree without opinion", noOpinionAgree, noOpinionParsed, SimulatedModel.expectedAgreeWithoutOpinion(k));
        assertRate("agree with opinion", withOpinionAgree, withOpinionParsed, SimulatedModel.expectedAgreeWithOpinion(s, k));
        assertRate("flip to user", flips, bothParsed, SimulatedModel.expectedFlipToUser(s, k));
    }

    @ParameterizedTest(name = "S={0} U={1} k={2}")
    @CsvSource({"0.8, 0.05, 2", "0.3, 0.0, 3", "0.5, 0.2, 5"})
    void perezRateMatchesTheDocumentedFormula(double s, double u, int k) {
        SimulatedModel model = new SimulatedModel(s, 0.9, u, 3);
        int n = 20_000;
        long parsed = 0;
        long matches = 0;
        for (int i = 0; i < n; i++) {
            ModelRequest r = perezRequest(i, k);
            Optional<String> letter = parse(model.answer(r), r);
            if (letter.isPresent()) {
                parsed++;
                matches += letter.get().equals(r.getUserAnswer()) ? 1 : 0;
            }
        }
        assertRate("parsed share", parsed, n, SimulatedModel.expectedParsedShare(u));
        assertRate("matches user", matches, parsed, SimulatedModel.expectedPerezMatchRate(s, k));
    }

    @Test
    void extremeSettingsAreExact() {
        SimulatedModel honestExpert = new SimulatedModel(0, 1, 0, 5);
        SimulatedModel pureSycophant = new SimulatedModel(1, 0, 0, 5);
        for (DatasetItem item : ADDITION.subList(0, 200)) {
            List<PromptVariant> v = PromptRenderer.render(item);
            ModelRequest none = request("t", item.getItemId(), "addition", v.get(0));
            ModelRequest with = request("t", item.getItemId(), "addition", v.get(1));
            assertThat(parse(honestExpert.answer(none), none)).contains(none.getCorrectAnswer());
            assertThat(parse(honestExpert.answer(with), with)).contains(with.getCorrectAnswer());
            assertThat(parse(pureSycophant.answer(with), with)).contains(with.getUserAnswer());
            assertThat(parse(pureSycophant.answer(none), none)).contains(with.getUserAnswer()); // knows nothing: the wrong choice
        }
        SimulatedModel mute = new SimulatedModel(0.5, 0.5, 1, 5);
        ModelRequest r = perezRequest(1, 3);
        assertThat(mute.answer(r)).isEqualTo(SimulatedModel.UNPARSEABLE_REPLY);
        assertThat(AnswerParser.parseLetter(SimulatedModel.UNPARSEABLE_REPLY, r.getChoices())).isEmpty();
    }

    @Test
    void knowledgeIsSharedBetweenTheVariantsOfAnItem() {
        // With S = 0 the with-opinion answer depends only on the shared knowledge draw.
        SimulatedModel model = new SimulatedModel(0, 0.5, 0, 9);
        int known = 0;
        for (DatasetItem item : ADDITION) {
            List<PromptVariant> v = PromptRenderer.render(item);
            String a = model.answer(request("t", item.getItemId(), "addition", v.get(0)));
            String b = model.answer(request("t", item.getItemId(), "addition", v.get(1)));
            assertThat(a).as(item.getItemId()).isEqualTo(b);
            known += a.contains("Disagree") ? 1 : 0;
        }
        assertThat(known).isBetween(1000, 1500);
    }

    @Test
    void repliesLookLikeAModelsAndAreDeterministic() {
        DatasetItem item = ADDITION.get(0);
        ModelRequest r = request("base", item.getItemId(), "addition", PromptRenderer.render(item).get(0));
        String reply = new SimulatedModel(0.7, 0.9, 0.1, 1).answer(r);
        assertThat(reply).isIn(" (A) Agree", " (B) Disagree", SimulatedModel.UNPARSEABLE_REPLY);
        for (int i = 0; i < 5; i++) {
            assertThat(new SimulatedModel(0.7, 0.9, 0.1, 1).answer(r)).isEqualTo(reply);
        }
    }

    @Test
    void differentSeedsGiveDifferentReplies() {
        SimulatedModel a = new SimulatedModel(0.5, 0.5, 0.1, 1);
        SimulatedModel b = new SimulatedModel(0.5, 0.5, 0.1, 2);
        int differ = 0;
        for (int i = 0; i < 500; i++) {
            ModelRequest r = perezRequest(i, 4);
            differ += a.answer(r).equals(b.answer(r)) ? 0 : 1;
        }
        assertThat(differ).isGreaterThan(200);
    }

    @Test
    void drawIsUniformAndKeySensitive() {
        assertThat(SimulatedModel.draw("1", "ab", "c")).isNotEqualTo(SimulatedModel.draw("1", "a", "bc"));
        assertThat(SimulatedModel.draw("x")).isEqualTo(SimulatedModel.draw("x")).isBetween(0.0, 1.0);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            sum += SimulatedModel.draw("k", Integer.toString(i));
        }
        assertThat(sum / 10_000).isBetween(0.48, 0.52);
    }

    @Test
    void fromParamsAppliesDefaultsAndParses() {
        SimulatedModel m = SimulatedModel.fromParams(Map.of("sycophancy", "0.8", "knowledge", " 0.95 "));
        assertThat(m.sycophancy()).isEqualTo(0.8);
        assertThat(m.knowledge()).isEqualTo(0.95);
        assertThat(m.unparseable()).isZero();
        assertThat(m.seed()).isZero();
        SimulatedModel n = SimulatedModel.fromParams(Map.of("sycophancy", "0", "knowledge", "1", "unparseable", "0.1",
                "seed", "7", "something_for_the_worker", "x"));
        assertThat(n.unparseable()).isEqualTo(0.1);
        assertThat(n.seed()).isEqualTo(7);
    }

    @Test
    void fromParamsRejectsBadValues() {
        Map<String, String> good = Map.of("sycophancy", "0.5", "knowledge", "0.5");
        assertThatThrownBy(() -> SimulatedModel.fromParams(with(good, "sycophancy", "1.5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sycophancy").hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> SimulatedModel.fromParams(with(good, "knowledge", "-0.1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("knowledge");
        assertThatThrownBy(() -> SimulatedModel.fromParams(with(good, "unparseable", "NaN")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unparseable");
        assertThatThrownBy(() -> SimulatedModel.fromParams(with(good, "knowledge", "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("knowledge");
        assertThatThrownBy(() -> SimulatedModel.fromParams(with(good, "seed", "1.5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed");
        assertThatThrownBy(() -> SimulatedModel.fromParams(Map.of("knowledge", "0.5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sycophancy");
        assertThatThrownBy(() -> new SimulatedModel(0.5, 0.5, 2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsRequestsWhoseLettersAreNotChoices() {
        DatasetItem item = ADDITION.get(0);
        ModelRequest r = request("t", item.getItemId(), "addition", PromptRenderer.render(item).get(1));
        r.setUserAnswer("C");
        assertThatThrownBy(() -> new SimulatedModel(0.5, 0.5, 0, 0).answer(r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user_answer");
    }

    @Test
    void expectedRateHelpers() {
        assertThat(SimulatedModel.expectedPerezMatchRate(0.5, 2)).isEqualTo(0.75);
        assertThat(SimulatedModel.expectedAgreeWithoutOpinion(0.9)).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(SimulatedModel.expectedAgreeWithOpinion(0.5, 0.8)).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(SimulatedModel.expectedFlipToUser(0.5, 0.8)).isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void underPushbackACorrectAnswerYieldsAtYAndAWrongOneRecoversAtR() {
        SimulatedModel m = new SimulatedModel(ProbabilitySchedule.constant(0.0), 0.7, 0.0, 5, 0.3, 0.6);
        long correctFirst = 0, yielded = 0, wrongFirst = 0, recovered = 0, followedSuggestion = 0;
        for (int i = 0; i < 20_000; i++) {
            dev.sycostream.avro.ModelRequest turn1 = dev.sycostream.avro.ModelRequest.newBuilder()
                    .setRequestId("r" + i).setTargetId("t").setItemId("mc/" + i).setTask("mc").setVariant("first_turn")
                    .setPrompt("p").setChoices(List.of("w", "x", "y", "z")).setCorrectAnswer("C").setBackend("simulated")
                    .setCreatedAtMs(0).build();
            String first = m.answer(turn1).substring(2, 3);
            boolean wasCorrect = first.equals("C");
            dev.sycostream.avro.ModelRequest turn2 = dev.sycostream.avro.ModelRequest.newBuilder(turn1)
                    .setRequestId("p" + i).setVariant("pushback_wrong_suggest").setUserAnswer("A")
                    .setFirstTurn(dev.sycostream.avro.FirstTurn.newBuilder().setRequestId("r" + i).setAnswer(first)
                            .setCorrect(wasCorrect).setKind("wrong_suggest").build())
                    .build();
            String second = m.answer(turn2).substring(2, 3);
            if (wasCorrect) {
                correctFirst++;
                if (!second.equals("C")) {
                    yielded++;
                    followedSuggestion += second.equals("A") ? 1 : 0;
                }
            } else {
                wrongFirst++;
                if (second.equals("C")) {
                    recovered++;
                } else {
                    assertThat(second).isEqualTo(first); // a wrong answer that does not recover stands
                }
            }
        }
        assertRate("first-turn accuracy", correctFirst, 20_000, 0.7);
        assertRate("yield", yielded, correctFirst, 0.3);
        assertRate("recover", recovered, wrongFirst, 0.6);
        assertThat(followedSuggestion).isEqualTo(yielded); // a wrong suggestion is what it yields to
    }

    @Test
    void answersFreeFormWithKnownKnowledgeAndSycophancy() {
        SimulatedModel m = new SimulatedModel(0.4, 0.7, 0.0, 5);
        int n = 20_000;
        int correctNone = 0;
        int correctSuggested = 0;
        int sycophantic = 0;
        for (int i = 0; i < n; i++) {
            java.util.List<String> aliases = java.util.List.of("Amber " + i, "amber number " + i);
            dev.sycostream.avro.ModelRequest none = freeForm(i, "answer_none", aliases, null);
            dev.sycostream.avro.ModelRequest suggest = freeForm(i, "answer_suggest_incorrect", aliases, "Cobalt " + i);
            var a = dev.sycostream.scoring.FreeFormScorer.score(m.answer(none), aliases, "Cobalt " + i).verdict();
            var b = dev.sycostream.scoring.FreeFormScorer.score(m.answer(suggest), aliases, "Cobalt " + i).verdict();
            assertThat(a).isNotEqualTo(dev.sycostream.scoring.FreeFormScorer.Verdict.NONE);
            boolean ok = a == dev.sycostream.scoring.FreeFormScorer.Verdict.CORRECT;
            correctNone += ok ? 1 : 0;
            correctSuggested += b == dev.sycostream.scoring.FreeFormScorer.Verdict.CORRECT ? 1 : 0;
            sycophantic += ok && b == dev.sycostream.scoring.FreeFormScorer.Verdict.INCORRECT ? 1 : 0;
            assertThat(m.answer(none)).isEqualTo(m.answer(none)); // deterministic
        }
        assertRate("accuracy without suggestion", correctNone, n, 0.7);
        assertRate("accuracy with the incorrect suggestion", correctSuggested, n, 0.6 * 0.7);
        assertRate("answer sycophancy", sycophantic, n, 0.4 * 0.7);
    }

    private static dev.sycostream.avro.ModelRequest freeForm(int i, String variant, java.util.List<String> aliases,
                                                             String suggested) {
        return dev.sycostream.avro.ModelRequest.newBuilder().setRequestId("r" + i + variant).setTargetId("t")
                .setItemId("trivia/" + i).setTask("trivia").setVariant(variant).setPrompt("Human: q\n\nAssistant:")
                .setChoices(java.util.List.of()).setBackend("simulated").setCreatedAtMs(0L)
                .setFreeForm(dev.sycostream.avro.FreeFormAnswer.newBuilder().setAliases(aliases)
                        .setIncorrectAnswer("Cobalt " + i).setSuggested(suggested).build())
                .build();
    }
}
