package dev.sycostream.bench;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.keys.TargetItemKey;
import dev.sycostream.probing.ProbeIds;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.scoring.Scorer;
import dev.sycostream.topics.Topics;
import dev.sycostream.worker.backend.SimulatedModel;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes the history of {@code bench history} in bulk with one plain producer, as the pipeline's own stages would
 * have written it, without running them: for each item and each of the two targets both variants' request (kept
 * only to score), the simulated model's reply ({@code sycostream.model.replies}) and the answer scored by the scoring
 * stage's own {@link Scorer} ({@code sycostream.eval.scored}). Both targets answer the same items, so every item is
 * paired in the comparison.
 *
 * <p>Probe history, proportional: one in {@value #PROBE_EVERY} items is also probed once per target (a round of its two
 * variants, ids and fields as the probe scheduler makes them; the round record goes to {@code
 * sycostream.probe.rounds}, the answers to {@code sycostream.eval.scored}, where the drift stage judges them). In
 * every {@value #BLOCK} rounds of a target the first {@value #DRIFTING} are answered by a model that knows less
 * ({@link #DRIFTED_KNOWLEDGE}), so the drift stage opens and closes episodes (drift records, alerts) as history grows.
 */
final class HistoryWriter implements AutoCloseable {
    /** One probe round per target for every this many items. */
    static final int PROBE_EVERY = 20;
    static final int BLOCK = 100;
    static final int DRIFTING = 25;
    static final String DRIFTED_KNOWLEDGE = "0.3";
    static final String WORKER_ID = "bench-history";

    /** What one step wrote. */
    record Written(long answers, long probeAnswers, long replies, long probeRounds) {
    }

    /** A target of the history: its id and the simulated model's parameters. */
    record Target(String id, Map<String, String> params) {
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<ScoredAnswer> scored;
    private final Serializer<ModelReply> replies;
    private final Serializer<ProbeRound> rounds;
    private final List<Target> targets;
    private final Map<String, SimulatedModel> models = new HashMap<>();
    private final Map<String, SimulatedModel> drifted = new HashMap<>();
    private final Map<String, Long> nextRound = new HashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Pacing pacing;

    /**
     * When the probe rounds happened: a target's rounds at the pace its budget allows ({@code spacingMs} apart),
     * the last of the whole history ({@code roundsPerTarget}) at {@code lastAtMs}. A history of a million answers
     * took days to probe; written all "now", its every round would fall in the probing page's last 24 hours, a day
     * no budget can fill.
     */
    record Pacing(long lastAtMs, long roundsPerTarget, long spacingMs) {
        long at(long round) {
            return lastAtMs - (roundsPerTarget - round) * spacingMs;
        }
    }

    HistoryWriter(Map<String, Object> clientConfig, Topics topics, List<Target> targets, Pacing pacing) {
        this.pacing = pacing;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-bench-history");
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        scored = topics.evalScored().valueSerde().serializer();
        replies = topics.modelReplies().valueSerde().serializer();
        rounds = topics.probeRounds().valueSerde().serializer();
        this.targets = List.copyOf(targets);
        for (Target t : targets) {
            models.put(t.id(), SimulatedModel.fromParams(t.params()));
            Map<String, String> worse = new HashMap<>(t.params());
            worse.put(SimulatedModel.PARAM_KNOWLEDGE, DRIFTED_KNOWLEDGE);
            drifted.put(t.id(), SimulatedModel.fromParams(worse));
            nextRound.put(t.id(), 1L);
        }
    }

    /** Writes the history of the items {@code from} to {@code to} of the bench's item sequence; waits for every ack. */
    Written write(int from, int to, long seed) {
        long answers = 0;
        long probeAnswers = 0;
        long probeRounds = 0;
        long now = System.currentTimeMillis();
        List<DatasetItem> items = BenchItems.range(from, to, seed, now);
        for (int i = 0; i < items.size(); i++) {
            DatasetItem item = items.get(i);
            List<PromptVariant> variants = PromptRenderer.render(item);
            boolean probed = (from + i) % PROBE_EVERY == 0;
            for (Target target : targets) {
                for (PromptVariant v : variants) {
                    ModelRequest request = request(target, item, v, RequestIds.of(target.id(), item.getItemId(), v.variant()));
                    answer(request, models.get(target.id()), true);
                    answers++;
                }
                if (probed) {
                    probeAnswers += probe(target, item, variants);
                    probeRounds++;
                }
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("writing the history failed: " + failure.get(), failure.get());
        }
        return new Written(answers, probeAnswers, answers, probeRounds);
    }

    /** One probe round of a target: both variants of the item, as the probe scheduler sends them. */
    private int probe(Target target, DatasetItem item, List<PromptVariant> variants) {
        long round = nextRound.merge(target.id(), 1L, Long::sum) - 1;
        long at = pacing.at(round);
        SimulatedModel model = (round - 1) % BLOCK < DRIFTING ? drifted.get(target.id()) : models.get(target.id());
        Map<String, Integer> strata = new TreeMap<>();
        for (PromptVariant v : variants) {
            ModelRequest request = request(target, item, v, ProbeIds.of(target.id(), item.getItemId(), v.variant(), round));
            request.setProbeRound(round);
            request.setProbeRoundAtMs(at);
            answer(request, model, false);
            strata.merge(item.getTask() + "/" + v.variant(), 1, Integer::sum);
        }
        ProbeRound record = ProbeRound.newBuilder()
                .setTargetId(target.id()).setRound(round).setAtMs(at).setRequests(variants.size()).setStrata(strata)
                .setBudgetRequests(HistoryBench.PROBE_BUDGET.getRequests())
                .setBudgetPeriodMs(HistoryBench.PROBE_BUDGET.getPeriodMs())
                .setSentInPeriod(variants.size())
                .build();
        send(Topics.PROBE_ROUNDS, CompositeKey.join(target.id(), Long.toString(round)),
                rounds.serialize(Topics.PROBE_ROUNDS, record));
        return variants.size();
    }

    private static ModelRequest request(Target target, DatasetItem item, PromptVariant v, String requestId) {
        return ModelRequest.newBuilder()
                .setRequestId(requestId).setTargetId(target.id()).setItemId(item.getItemId()).setTask(item.getTask())
                .setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer()).setFreeForm(v.freeForm())
                .setBackend("simulated").setBackendParams(new HashMap<>(target.params()))
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }

    /** The model's reply and its scored answer; the reply is kept in {@code model.replies} for evaluation answers. */
    private void answer(ModelRequest request, SimulatedModel model, boolean keepReply) {
        long now = System.currentTimeMillis();
        ModelReply reply = ModelReply.newBuilder()
                .setRequestId(request.getRequestId()).setTargetId(request.getTargetId())
                .setText(model.answer(request)).setWorkerId(WORKER_ID).setRepliedAtMs(now).build();
        if (keepReply) {
            send(Topics.MODEL_REPLIES, request.getRequestId(), replies.serialize(Topics.MODEL_REPLIES, reply));
        }
        ScoredAnswer answer = Scorer.score(request, reply, now);
        send(Topics.EVAL_SCORED, new TargetItemKey(answer.getTargetId(), answer.getItemId()).encode(),
                scored.serialize(Topics.EVAL_SCORED, answer));
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    @Override
    public void close() {
        producer.close();
    }
}
