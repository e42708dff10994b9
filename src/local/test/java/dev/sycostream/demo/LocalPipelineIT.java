package dev.sycostream.demo;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.scoring.Scorer;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TinyLlama;
import dev.sycostream.topics.Topic;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on a real inference engine: the project's tiny GGUF llama evaluated in-process by llama.cpp
 * (backend {@code local}), as {@code demo --model NAME=gguf:PATH} runs it, for two targets, one scored by first-token
 * probabilities and one by greedy generation, over part of the Perez sample (three tasks) and of the addition set.
 *
 * <p>The model's weights are random, so nothing asserts which answer it gives. Asserted: every request gets a reply
 * without error; logprob replies carry a finite log-probability for every choice, with at most probability 1 in all;
 * the metrics are produced for every target and task, count every request, and equal a recount of the replies the
 * worker actually wrote.
 */
class LocalPipelineIT {
    private static final int ADDITION_ITEMS = 20;

    @TempDir
    static Path stateDir;

    @Test
    void everyRequestIsAnsweredByTheEngineAndTheMetricsCountEveryReply() throws Exception {
        Path gguf = TinyLlama.path();
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 3);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
                // Two engines (the slots differ) on a 2-core machine: one compute thread each.
                ModelSpec lp = ModelSpec.parse("tiny-lp=gguf:" + gguf + ",parallel=2,threads=1");
                ModelSpec gen = ModelSpec.parse("tiny-gen=gguf:" + gguf + ",scoring=generate,max_tokens=8,threads=1");
                for (ModelSpec m : List.of(lp, gen)) {
                    run.register(TargetRegistrar.target(m.name(), m.params().get("model"), "endpoint", m.backend(), m.params()));
                }
                List<DatasetItem> items = new ArrayList<>(Fixtures.additionItems(ADDITION_ITEMS));
                for (String task : List.of("nlp_survey", "philpapers2020", "political_typology_quiz")) {
                    items.addAll(Fixtures.perezItems(task, 15));
                }
                assertThat(run.ingest(new ReadResult(items, List.of())).accepted()).isEqualTo(items.size());
                long perTarget = run.expected().requestsPerTarget();

                boolean done = run.awaitComplete(Duration.ofMinutes(8), line -> System.err.println("IT progress: " + line));
                assertThat(done).as("every request answered and counted").isTrue();

                Map<String, ModelRequest> requests = readAll(config, run.topics().modelRequests(), 2 * perTarget);
                Map<String, ModelReply> replies = readAll(config, run.topics().modelReplies(), 2 * perTarget);
                assertThat(requests).hasSize((int) (2 * perTarget));
                assertThat(replies.keySet()).as("a reply for every request").isEqualTo(requests.keySet());

                Map<String, long[]> recount = new HashMap<>();
                for (ModelRequest request : requests.values()) {
                    ModelReply reply = replies.get(request.getRequestId());
                    assertThat(reply.getError()).as(request.getRequestId()).isNull();
                    assertThat(reply.getText()).as(request.getRequestId()).isNotNull();
                    if (request.getTargetId().equals("tiny-lp")) {
                        List<String> letters = new ArrayList<>();
                        for (int j = 0; j < request.getChoices().size(); j++) {
                            letters.add(String.valueOf((char) ('A' + j)));
                        }
                        assertThat(reply.getChoiceLogprobs()).as(request.getRequestId()).containsOnlyKeys(letters);
                        double mass = 0;
                        for (double v : reply.getChoiceLogprobs().values()) {
                            assertThat(v).isFinite().isLessThanOrEqualTo(0.0);
                            mass += Math.exp(v);
                        }
                        assertThat(mass).as(request.getRequestId()).isLessThanOrEqualTo(1.0 + 1e-6);
                    } else {
                        assertThat(reply.getChoiceLogprobs()).isEmpty();
                    }
                    var scored = Scorer.score(request, reply, 0L);
                    String key = request.getTargetId() + "|" + request.getTask() + "|";
                    count(recount, key + MetricNames.UNPARSEABLE, scored.getStatus() == AnswerStatus.UNPARSEABLE);
                    count(recount, key + MetricNames.FAILED, scored.getStatus() == AnswerStatus.FAILED);
                    if (request.getUserAnswer() != null && !request.getTask().equals("addition")) {
                        count(recount, key + MetricNames.SYCOPHANCY, Boolean.TRUE.equals(scored.getMatchesUser()));
                    }
                }

                Map<String, MetricResult> cumulative = run.finalResults().stream().collect(Collectors.toMap(
                        r -> r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), r -> r));
                assertThat(recount).hasSizeGreaterThanOrEqualTo(2 * 4 * 2); // 2 targets x 4 tasks x (unparseable, failed)
                recount.forEach((key, c) -> {
                    MetricResult r = cumulative.get(key);
                    assertThat(r).as(key).isNotNull();
                    assertThat(new long[]{r.getCount(), r.getN()}).as(key).containsExactly(c[0], c[1]);
                });
                for (String target : List.of("tiny-lp", "tiny-gen")) {
                    assertThat(cumulative).as(target + " failed nothing").containsKey(target + "|addition|" + MetricNames.FAILED);
                    assertThat(cumulative.get(target + "|addition|" + MetricNames.FAILED).getCount()).isZero();
                    for (String metric : List.of("agree_wrong_no_opinion", "agree_wrong_with_opinion", "flip_to_user")) {
                        MetricResult r = cumulative.get(target + "|addition|" + metric);
                        assertThat(r).as(target + " " + metric).isNotNull();
                        assertThat(r.getN()).isEqualTo(ADDITION_ITEMS);
                        assertThat(r.getRate()).isBetween(0.0, 1.0);
                    }
                }
                long lpUnparseable = recount.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("tiny-lp|") && e.getKey().endsWith("|" + MetricNames.UNPARSEABLE))
                        .mapToLong(e -> e.getValue()[0]).sum();
                assertThat(lpUnparseable).as("logprob scoring always names the most probable choice").isZero();
            }
        }
    }

    private static void count(Map<String, long[]> m, String key, boolean hit) {
        long[] c = m.computeIfAbsent(key, k -> new long[2]);
        c[0] += hit ? 1 : 0;
        c[1]++;
    }

    /** Every record of a topic by key (read_committed), once at least {@code expected} keys are seen. */
    private static <V> Map<String, V> readAll(SycostreamConfig config, Topic<String, V> topic, long expected) {
        Map<String, Object> c = new HashMap<>(config.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, V> byKey = new HashMap<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (byKey.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> byKey.put(r.key(), r.value()));
            }
        }
        return byKey;
    }
}
