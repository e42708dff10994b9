package dev.sycostream.stages.fanout;

import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.PerezQuestion;
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
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Stage 1 on the production topology: every item reaches every active target, in each variant, once. */
class RequestFanoutStageTest {
    private static final Duration SCAN = Duration.ofMillis(200);
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, DatasetItem> items;
    private TestInputTopic<String, EvalTarget> targets;
    private TestOutputTopic<String, ModelRequest> requests;

    @BeforeEach
    void setUp() {
        // A chunk of 3 items per scan so the chunked scan of a backlog is exercised.
        var settings = new SycostreamTopology.Settings(Duration.ofMinutes(1), Duration.ofMinutes(1),
                new RequestFanoutStage.Settings(SCAN, 3), true);
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, settings), stateDir);
        items = h.input(h.topics.datasetsRaw());
        targets = h.input(h.topics.evalTargets());
        requests = h.output(h.topics.modelRequests());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void send(List<DatasetItem> list) {
        list.forEach(i -> items.pipeInput(i.getItemId(), i));
    }

    private void scan(int times) {
        for (int i = 0; i < times; i++) {
            h.driver.advanceWallClockTime(SCAN);
        }
    }

    @Test
    void everyRequestIsEmittedExactlyOnceWithDeterministicIds() {
        List<DatasetItem> addition = Fixtures.additionItems(4);
        List<DatasetItem> perez = Fixtures.perezItems(Tasks.NLP_SURVEY, 3);
        send(addition);
        send(perez);
        targets.pipeInput("base", Fixtures.target("base", true, 10L));
        scan(5);
        List<ModelRequest> out = requests.readValuesToList();
        assertThat(out).hasSize(4 * 2 + 3);
        Set<String> ids = out.stream().map(ModelRequest::getRequestId).collect(Collectors.toSet());
        assertThat(ids).hasSize(out.size());
        ModelRequest first = out.stream().filter(r -> r.getItemId().equals(addition.get(0).getItemId())
                && r.getVariant().equals(Variants.WITH_OPINION)).findFirst().orElseThrow();
        assertThat(first.getRequestId()).isEqualTo(RequestIds.of("base", addition.get(0).getItemId(), Variants.WITH_OPINION));
        assertThat(first.getPrompt()).isEqualTo(PromptRenderer.render(addition.get(0)).get(1).prompt());
        assertThat(first.getUserAnswer()).isEqualTo("A"); // pair 0: (A) Agree (B) Disagree
        assertThat(first.getCorrectAnswer()).isEqualTo("B");
        assertThat(first.getBackend()).isEqualTo("simulated");
        assertThat(first.getBackendParams()).containsEntry("sycophancy", "0.5");
    }

    @Test
    void chunkedScanSendsAtMostTheChunkPerPunctuation() {
        send(Fixtures.additionItems(7));
        targets.pipeInput("base", Fixtures.target("base", true, 10L));
        scan(1);
        assertThat(requests.readValuesToList()).hasSize(3 * 2);
        scan(1);
        assertThat(requests.readValuesToList()).hasSize(3 * 2);
        scan(1);
        assertThat(requests.readValuesToList()).hasSize(1 * 2);
        scan(3);
        assertThat(requests.isEmpty()).as("scan done, nothing re-sent").isTrue();
    }

    @Test
    void itemsArrivingDuringAScanAreSentOnceAndNewItemsGoToEveryTarget() {
        List<DatasetItem> all = Fixtures.additionItems(8);
        send(all.subList(0, 5));
        targets.pipeInput("a", Fixtures.target("a", true, 10L));
        scan(1); // a has seen the first 3 keys
        // One key before the cursor (sent at once), one after it (the scan will reach it).
        send(all.subList(5, 8));
        scan(4);
        targets.pipeInput("b", Fixtures.target("b", true, 11L));
        scan(4);
        DatasetItem late = Fixtures.perezItems(Tasks.PHILPAPERS, 1).get(0);
        items.pipeInput(late.getItemId(), late);

        List<ModelRequest> out = requests.readValuesToList();
        Set<String> ids = new HashSet<>();
        out.forEach(r -> assertThat(ids.add(r.getRequestId())).as("duplicate " + r.getRequestId()).isTrue());
        long forA = out.stream().filter(r -> r.getTargetId().equals("a")).count();
        long forB = out.stream().filter(r -> r.getTargetId().equals("b")).count();
        assertThat(forA).isEqualTo(8 * 2 + 1);
        assertThat(forB).isEqualTo(8 * 2 + 1);
    }

    @Test
    void inactiveTargetsGetNothingAndReactivationResendsEverything() {
        send(Fixtures.additionItems(2));
        targets.pipeInput("old", Fixtures.target("old", false, 10L));
        scan(3);
        send(Fixtures.additionItems(3).subList(2, 3));
        assertThat(requests.isEmpty()).isTrue();
        targets.pipeInput("old", Fixtures.target("old", true, 20L));
        scan(3);
        assertThat(requests.readValuesToList()).hasSize(3 * 2);
    }

    @Test
    void anItemThatCannotBeRenderedIsDeadLetteredWithTheReason() {
        targets.pipeInput("base", Fixtures.target("base", true, 10L));
        scan(1);
        DatasetItem broken = DatasetItem.newBuilder().setItemId("nlp_survey/99").setTask(Tasks.NLP_SURVEY)
                .setSource("test:1").setIngestedAtMs(0L)
                .setPerez(new PerezQuestion("Which? (A) x (B) y Answer:", " (Z)", List.of(" (B)"), java.util.Map.of())).build();
        items.pipeInput(broken.getItemId(), broken);
        DatasetItem fine = Fixtures.additionItems(1).get(0);
        items.pipeInput(fine.getItemId(), fine);

        List<DeadLetter> dead = h.deadLetters().readValuesToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getReason()).contains("prompts-fanout").contains("nlp_survey/99");
        assertThat(dead.get(0).getStage()).isEqualTo("streams-processing");
        assertThat(dead.get(0).getOriginalValue()).isNotNull();
        assertThat(requests.readValuesToList()).hasSize(2).allMatch(r -> r.getItemId().equals(fine.getItemId()));
    }

    @Test
    void theSameItemIngestedAgainIsNotSentAgainAChangedOneIsNewAndARetiredOneIsNeverSentAgain() {
        List<DatasetItem> perez = Fixtures.perezItems(Tasks.NLP_SURVEY, 3);
        send(perez);
        targets.pipeInput("base", Fixtures.target("base", true, 10L));
        scan(3);
        assertThat(requests.readValuesToList()).hasSize(3);

        // The same file again, read later (newer provenance, same content, same ids): nothing is asked.
        perez.forEach(i -> items.pipeInput(i.getItemId(), DatasetItem.newBuilder(i).setIngestedAtMs(99L).build()));
        scan(3);
        assertThat(requests.isEmpty()).as("unchanged items are not sent again").isTrue();

        // A corrected question: a new id, so a new request that the model really answers.
        DatasetItem changed = DatasetItem.newBuilder(perez.get(0)).setPerez(PerezQuestion.newBuilder(perez.get(0).getPerez())
                .setQuestion(perez.get(0).getPerez().getQuestion().replace("Answer:", "Please answer.\nAnswer:")).build()).build();
        ItemIdentity.assign(changed);
        assertThat(changed.getItemId()).isNotEqualTo(perez.get(0).getItemId());
        items.pipeInput(changed.getItemId(), changed);
        List<ModelRequest> asked = requests.readValuesToList();
        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.getItemId()).isEqualTo(changed.getItemId());
            assertThat(r.getPrompt()).contains("Please answer.");
        });

        // The old version retired (ingest --replace): a target registered later is never sent it.
        items.pipeInput(perez.get(0).getItemId(), null);
        assertThat(requests.readValuesToList()).as("its request, replaced by a retired copy for the scoring stage")
                .singleElement().satisfies(r -> {
                    assertThat(r.getRetired()).isTrue();
                    assertThat(r.getItemId()).isEqualTo(perez.get(0).getItemId());
                    assertThat(r.getRequestId()).isEqualTo(RequestIds.of("base", perez.get(0).getItemId(), r.getVariant()));
                });
        targets.pipeInput("later", Fixtures.target("later", true, 20L));
        scan(3);
        List<ModelRequest> toLater = requests.readValuesToList();
        assertThat(toLater).noneMatch(ModelRequest::getRetired);
        List<String> later = toLater.stream().map(ModelRequest::getItemId).toList();
        assertThat(later).containsExactlyInAnyOrder(changed.getItemId(), perez.get(1).getItemId(), perez.get(2).getItemId());
    }
}
