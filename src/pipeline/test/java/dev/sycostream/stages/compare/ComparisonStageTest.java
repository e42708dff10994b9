package dev.sycostream.stages.compare;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.ComparisonPair;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.compare.CheckpointComparison;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison stage on the production topology: random answers of three targets (some taken back by a retraction,
 * some probe answers) go in, and what the stage publishes, and what its stores give for a pair never asked, equal
 * {@link CheckpointComparison} computed on the same answers: the exact counts, both rates, the p-value to the bit.
 */
class ComparisonStageTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final String CK1 = "m@ck1";
    private static final String CK2 = "m@ck2";
    private static final String OTHER = "x@1";
    private static final List<String> TASKS = List.of(Tasks.ADDITION, Tasks.NLP_SURVEY);

    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, ScoredAnswer> scored;
    private TestInputTopic<String, EvalTarget> targets;
    private TestInputTopic<String, ComparisonPair> pairs;
    private TestOutputTopic<String, Comparison> comparisons;
    private TestOutputTopic<String, ComparisonPair> registrations;
    /** What Comparer keeps: the latest evaluation answer per request id, retractions removed. */
    private final Map<String, Map<String, ScoredAnswer>> kept = new HashMap<>();
    private long clock = T0;

    @BeforeEach
    void setUp() {
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, SycostreamTopology.Settings.DEFAULT), stateDir);
        scored = h.input(h.topics.evalScored());
        targets = h.input(h.topics.evalTargets());
        pairs = h.input(h.topics.comparePairs());
        comparisons = h.output(h.topics.metricsComparisons());
        registrations = h.output(h.topics.comparePairs());
        register(CK1, "m", 1);
        register(CK2, "m", 2);
        register(OTHER, "x", 3);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void register(String id, String model, long at) {
        targets.pipeInput(id, EvalTarget.newBuilder().setTargetId(id).setModel(model).setCheckpoint(id)
                .setBackend("simulated").setRegisteredAtMs(at).build(), Instant.ofEpochMilli(T0));
    }

    private static ScoredAnswer answer(String target, String task, int item, String variant, Random r, Long probeRound) {
        boolean answered = r.nextInt(10) > 0;
        boolean perez = !Tasks.ADDITION.equals(task);
        String id = task + "/" + item;
        return ScoredAnswer.newBuilder().setRequestId(target + "/" + id + "/" + variant + (probeRound == null ? "" : "/p" + probeRound))
                .setTargetId(target).setItemId(id).setTask(task).setVariant(variant)
                .setStatus(answered ? AnswerStatus.ANSWERED : AnswerStatus.UNPARSEABLE)
                .setAnswer(answered ? "A" : null)
                .setMatchesUser(answered && (perez || Variants.WITH_OPINION.equals(variant)) ? r.nextBoolean() : null)
                .setCorrect(answered && !perez ? r.nextBoolean() : null)
                .setScoredAtMs(T0).setProbeRound(probeRound).build();
    }

    private void send(ScoredAnswer a) {
        scored.pipeInput(CompositeKey.join(a.getTargetId(), a.getItemId()), a, Instant.ofEpochMilli(clock++));
        if (a.getProbeRound() != null) {
            return;
        }
        Map<String, ScoredAnswer> byRequest = kept.computeIfAbsent(a.getTargetId(), t -> new LinkedHashMap<>());
        if (a.getRetracted()) {
            byRequest.remove(a.getRequestId());
        } else {
            byRequest.put(a.getRequestId(), a);
        }
    }

    /** Answers of every target to the items of both tasks, both variants, in a random order of items. */
    private void answerEverything(Random r, int items, Runnable halfway) {
        List<ScoredAnswer> all = new ArrayList<>();
        for (String target : List.of(CK1, CK2, OTHER)) {
            for (String task : TASKS) {
                for (int i = 0; i < items; i++) {
                    // not every target answers every item: the paired test uses only the shared ones
                    if (r.nextInt(8) == 0) {
                        continue;
                    }
                    for (String v : List.of(Variants.NO_OPINION, Variants.WITH_OPINION)) {
                        all.add(answer(target, task, i, v, r, null));
                    }
                }
            }
        }
        java.util.Collections.shuffle(all, r);
        for (int i = 0; i < all.size(); i++) {
            if (i == all.size() / 2) {
                halfway.run();
            }
            ScoredAnswer a = all.get(i);
            send(a);
            if (r.nextInt(6) == 0) { // a probe answer of the same item with another outcome: excluded
                send(answer(a.getTargetId(), a.getTask(), Integer.parseInt(a.getItemId().split("/")[1]), a.getVariant(), r, 1L));
            }
            if (r.nextInt(10) == 0) { // the item retired later: the answer is taken back
                send(ScoredAnswer.newBuilder(a).setRetracted(true).build());
            }
            if (r.nextInt(15) == 0) { // answered again differently (a replaced answer to the same request)
                send(answer(a.getTargetId(), a.getTask(), Integer.parseInt(a.getItemId().split("/")[1]), a.getVariant(), r, null));
            }
        }
    }

    private Map<String, Comparison> published() {
        Map<String, Comparison> latest = new TreeMap<>();
        for (KeyValue<String, Comparison> kv : comparisons.readKeyValuesToList()) {
            if (kv.value == null) {
                latest.remove(kv.key);
            } else {
                latest.put(kv.key, kv.value);
            }
        }
        return latest;
    }

    private Map<String, Comparison> batch(String base, String candidate) {
        Map<String, Comparison> out = new TreeMap<>();
        for (Comparison c : CheckpointComparison.compare(base, kept.get(base).values(), candidate,
                kept.get(candidate).values(), ComparisonStage.ALPHA, 0L)) {
            out.put(ComparisonState.comparisonKey(base, candidate, c.getTask(), c.getMetric()), c);
        }
        return out;
    }

    private static void assertSame(Map<String, Comparison> actual, Map<String, Comparison> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (var e : expected.entrySet()) {
            Comparison a = actual.get(e.getKey());
            Comparison x = e.getValue();
            assertThat(new long[]{a.getBaseCount(), a.getBaseN(), a.getCandidateCount(), a.getCandidateN(),
                    a.getPairedN(), a.getBaseOnly(), a.getCandidateOnly()}).as(e.getKey())
                    .containsExactly(x.getBaseCount(), x.getBaseN(), x.getCandidateCount(), x.getCandidateN(),
                            x.getPairedN(), x.getBaseOnly(), x.getCandidateOnly());
            assertThat(a.getPValue()).as(e.getKey() + " p").isEqualTo(x.getPValue());
            assertThat(a.getBaseCiLow()).isEqualTo(x.getBaseCiLow());
            assertThat(a.getCandidateCiHigh()).isEqualTo(x.getCandidateCiHigh());
            assertThat(a.getPairedCiLow()).isEqualTo(x.getPairedCiLow());
            assertThat(a.getVerdict()).isEqualTo(x.getVerdict());
        }
    }

    @Test
    void thePublishedComparisonsEqualTheBatchComparisonOfTheSameAnswers() {
        // (ck1, other) is asked for halfway: its counts are taken from the outcomes once, then updated
        answerEverything(new Random(19), 120, () -> pairs.pipeInput(ComparisonState.pairKey(CK1, OTHER),
                ComparisonPair.newBuilder().setBaseTarget(CK1).setCandidateTarget(OTHER).setRegisteredAtMs(T0).build(),
                Instant.ofEpochMilli(T0)));
        Map<String, Comparison> published = published();
        Map<String, Comparison> expected = new TreeMap<>(batch(CK1, CK2)); // the default pair: ck2 after ck1 of model m
        expected.putAll(batch(CK1, OTHER));
        assertThat(expected).hasSize(2 * 4); // addition: 3 metrics, nlp_survey: sycophancy
        assertThat(expected.keySet()).contains(CK1 + "|" + CK2 + "|addition|" + MetricNames.FLIP_TO_USER);
        assertSame(published, expected);
        // no other pair: (ck2, other) is of another model and was never asked for
        assertThat(published.keySet()).noneMatch(k -> k.startsWith(CK2 + "|" + OTHER));
        // the default pair was registered once, by the stage, so it stays registered
        List<KeyValue<String, ComparisonPair>> registered = registrations.readKeyValuesToList();
        assertThat(registered).extracting(kv -> kv.key).containsExactly(ComparisonState.pairKey(CK1, CK2));
        assertThat(registered.get(0).value.getRegisteredBy()).isEqualTo("default");
        KeyValueStore<String, ComparisonPair> pairStore = h.driver.getKeyValueStore(ComparisonStage.PAIRS_STORE);
        assertThat(pairStore.get(ComparisonState.pairKey(CK1, CK2))).as("read back into the global store").isNotNull();
    }

    @Test
    void aPairNeverAskedIsCountedFromThePerItemStoreAlone() {
        answerEverything(new Random(7), 80, () -> { });
        KeyValueStore<String, Integer> outcomes = h.driver.getKeyValueStore(ComparisonStage.OUTCOMES_STORE);
        Map<String, Comparison> fromStore = new TreeMap<>();
        for (var e : batch(CK2, OTHER).entrySet()) {
            Comparison x = e.getValue();
            fromStore.put(e.getKey(), CheckpointComparison.of(CK2, OTHER, x.getTask(), x.getMetric(),
                    ComparisonState.count(outcomes, CK2, OTHER, x.getTask(), x.getMetric()), ComparisonStage.ALPHA, 0L));
        }
        assertSame(fromStore, batch(CK2, OTHER));
    }

    @Test
    void retractingEveryAnswerOfOneSideTakesTheComparisonBack() {
        Random r = new Random(3);
        List<ScoredAnswer> ck2 = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            send(answer(CK1, Tasks.NLP_SURVEY, i, Variants.WITH_OPINION, r, null));
            ScoredAnswer a = answer(CK2, Tasks.NLP_SURVEY, i, Variants.WITH_OPINION, r, null);
            send(a);
            ck2.add(a);
        }
        String key = ComparisonState.comparisonKey(CK1, CK2, Tasks.NLP_SURVEY, MetricNames.SYCOPHANCY);
        assertThat(published().get(key).getPairedN()).isEqualTo(20);
        for (ScoredAnswer a : ck2.subList(0, 19)) {
            send(ScoredAnswer.newBuilder(a).setRetracted(true).build());
        }
        assertSame(published(), batch(CK1, CK2));
        assertThat(published().get(key)).isNull(); // read once more: no further records
        send(ScoredAnswer.newBuilder(ck2.get(19)).setRetracted(true).build());
        List<KeyValue<String, Comparison>> last = comparisons.readKeyValuesToList();
        assertThat(last).hasSize(1);
        assertThat(last.get(0).key).isEqualTo(key);
        assertThat(last.get(0).value).as("a tombstone: the candidate has no answer left").isNull();
    }
}
