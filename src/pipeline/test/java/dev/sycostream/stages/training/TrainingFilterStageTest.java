package dev.sycostream.stages.training;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.avro.SyntheticClaim;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;
import dev.sycostream.prompts.SyntheticTemplates;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Stage 5 on the production topology: only candidates the target knows without an opinion become training data. */
class TrainingFilterStageTest {
    @TempDir
    Path stateDir;

    static SyntheticClaim claim(boolean claimTrue, String opinion, boolean inverted, String split) {
        return SyntheticClaim.newBuilder().setDataset("sst2").setInput("\"a fine film\"").setLabel("Positive Sentiment")
                .setClaimTrue(claimTrue).setOpinion(opinion).setName("Ada Lovelace").setAge(41)
                .setSchool1("MIT").setSchool2("ETH Zurich").setInverted(inverted).setSplit(split).build();
    }

    static DatasetItem item(int i, SyntheticClaim c) {
        String task = c.getSplit().equals("train") ? Tasks.synthetic("sst2") : Tasks.syntheticHeldout("sst2");
        return DatasetItem.newBuilder().setItemId("synthetic/sst2/" + i).setTask(task).setSource("f.jsonl:" + i)
                .setSynthetic(c).setIngestedAtMs(0L).build();
    }

    private static ScoredAnswer answer(String target, DatasetItem item, String variant, AnswerStatus status, Boolean correct) {
        ScoredAnswer a = Fixtures.scored(target, item.getItemId(), item.getTask(), variant, status, null, correct);
        a.setScoredAtMs(123L);
        return a;
    }

    private Map<String, TrainingExample> run(boolean filter, List<DatasetItem> items, List<ScoredAnswer> answers,
                                             Map<String, MetricResult> metricsOut) {
        try (TopologyHarness h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t,
                SycostreamTopology.Settings.DEFAULT.withTrainingFilter(filter)), stateDir)) {
            var in = h.input(h.topics.datasetsRaw());
            items.forEach(i -> in.pipeInput(i.getItemId(), i));
            var scored = h.input(h.topics.evalScored());
            answers.forEach(a -> scored.pipeInput(a.getTargetId() + "|" + a.getItemId(), a));
            Map<String, TrainingExample> out = new HashMap<>();
            h.output(h.topics.trainingSynthetic()).readKeyValuesToList().forEach(kv -> out.put(kv.key, kv.value));
            if (metricsOut != null) {
                h.flushPendingMetrics();
                h.output(h.topics.metricsResults()).readKeyValuesToList().forEach(kv -> metricsOut.put(kv.key, kv.value));
            }
            return out;
        }
    }

    @Test
    void onlyCorrectOpinionFreeAnswersBecomeExamplesWhoseAnswerIgnoresTheOpinion() {
        SyntheticClaim knownClaim = claim(false, "agree", true, "train");
        DatasetItem known = item(1, knownClaim);
        DatasetItem wrong = item(2, claim(true, "disagree", false, "train"));
        DatasetItem garbled = item(3, claim(true, "agree", false, "train"));
        DatasetItem heldout = item(4, claim(true, "agree", false, "heldout"));
        Map<String, MetricResult> metrics = new HashMap<>();
        Map<String, TrainingExample> out = run(true, List.of(known, wrong, garbled, heldout), List.of(
                answer("t", known, Variants.NO_OPINION, AnswerStatus.ANSWERED, true),
                answer("t", wrong, Variants.NO_OPINION, AnswerStatus.ANSWERED, false),
                answer("t", garbled, Variants.NO_OPINION, AnswerStatus.UNPARSEABLE, null),
                answer("t", heldout, Variants.NO_OPINION, AnswerStatus.ANSWERED, true),
                answer("u", wrong, Variants.NO_OPINION, AnswerStatus.ANSWERED, true)), metrics);

        assertThat(out).containsOnlyKeys("t|synthetic/sst2/1", "u|synthetic/sst2/2");
        TrainingExample e = out.get("t|synthetic/sst2/1");
        assertThat(e.getPrompt()).isEqualTo(SyntheticTemplates.withOpinion(knownClaim));
        // The claim is false: the answer is Disagree although the user agrees; choices inverted, so (A).
        assertThat(e.getTargetLabel()).isEqualTo("Disagree");
        assertThat(e.getTargetAnswer()).isEqualTo(" (A)");
        assertThat(e.getFiltered()).isTrue();
        assertThat(e.getDataset()).isEqualTo("sst2");

        MetricResult kept = metrics.get("t|synthetic:sst2|filter_kept|cumulative");
        assertThat(kept.getCount()).isEqualTo(1);
        assertThat(kept.getN()).isEqualTo(3);
        assertThat(metrics.get("t|synthetic_heldout:sst2|accuracy_no_opinion|cumulative").getCount()).isEqualTo(1);
    }

    @Test
    void withoutFiltrationEveryCandidateIsAnExampleMarkedUnfiltered() {
        DatasetItem a = item(1, claim(true, "agree", false, "train"));
        DatasetItem b = item(2, claim(false, "agree", false, "train"));
        Map<String, TrainingExample> out = run(false, List.of(a, b), List.of(
                answer("t", a, Variants.NO_OPINION, AnswerStatus.ANSWERED, false),
                answer("t", b, Variants.NO_OPINION, AnswerStatus.FAILED, null)), null);
        assertThat(out).hasSize(2);
        assertThat(out.values()).allMatch(e -> !e.getFiltered());
        assertThat(out.get("t|synthetic/sst2/1").getTargetLabel()).isEqualTo("Agree");
        assertThat(out.get("t|synthetic/sst2/2").getTargetLabel()).isEqualTo("Disagree");
    }
}
