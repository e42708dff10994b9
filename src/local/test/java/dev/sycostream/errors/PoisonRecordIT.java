package dev.sycostream.errors;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.PerezQuestion;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on a real broker: a record that is not Avro and an item that cannot be rendered each become a
 * dead letter with the reason, the pipeline keeps running, and good records after them are still evaluated.
 */
class PoisonRecordIT {
    @TempDir
    Path stateDir;

    @Test
    void poisonRecordsAreDeadLetteredWithTheReasonAndTheRestIsEvaluated() throws Exception {
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 2);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
                run.register(TargetRegistrar.target("t1", "sim", "ck", "simulated",
                        Map.of("sycophancy", "0.5", "knowledge", "0.9", "seed", "3")));
                Map<String, Object> producerConfig = new HashMap<>(config.clientConfig());
                try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(Topics.DATASETS_RAW, "junk/1",
                            "{\"question\": \"not avro\"}".getBytes(StandardCharsets.UTF_8))).get();
                    producer.send(new ProducerRecord<>(Topics.MODEL_REPLIES, "junk/2", new byte[]{0, 0, 0, 0, 99})).get();
                }
                DatasetItem unrenderable = DatasetItem.newBuilder().setItemId("nlp_survey/bad").setTask(Tasks.NLP_SURVEY)
                        .setSource("test:1").setIngestedAtMs(0L)
                        .setPerez(new PerezQuestion("Pick one (A) x (B) y\nAnswer:", " (Q)", List.of(" (B)"), java.util.Map.of())).build();
                List<DatasetItem> good = Fixtures.additionItems(3);
                List<DatasetItem> all = new ArrayList<>(good);
                all.add(0, unrenderable);
                run.ingest(new ReadResult(all, List.of()));

                List<DeadLetter> dead = readDeadLetters(config, run.topics(), 3);
                assertThat(dead).extracting(DeadLetter::getStage)
                        .containsExactlyInAnyOrder("streams-deserialization", "streams-deserialization", "streams-processing");
                DeadLetter notAvro = dead.stream().filter(d -> d.getSource().startsWith(Topics.DATASETS_RAW)).findFirst().orElseThrow();
                assertThat(notAvro.getReason()).startsWith("cannot deserialize");
                assertThat(new String(notAvro.getOriginalValue().array(), StandardCharsets.UTF_8)).contains("not avro");
                DeadLetter bad = dead.stream().filter(d -> d.getStage().equals("streams-processing")).findFirst().orElseThrow();
                assertThat(bad.getReason()).contains("prompts-fanout").contains("nlp_survey/bad");

                // The items ingested after the poison are evaluated, and only they (the bad item counts nowhere).
                var evaluated = new EvaluationRunView(run, good);
                assertThat(evaluated.awaitComplete()).isTrue();
            }
        }
    }

    /** Completion over the good items only, so the rejected one is provably not counted. */
    private record EvaluationRunView(EvaluationRun run, List<DatasetItem> good) {
        boolean awaitComplete() throws InterruptedException {
            var expected = dev.sycostream.metrics.ExpectedCounts.of(good);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                var results = run.allResults(); // one read of the results topic per check
                if (expected.complete(List.of("t1"), results)) {
                    return results.stream().noneMatch(r -> r.getTask().equals(Tasks.NLP_SURVEY));
                }
                Thread.sleep(200);
            }
            return false;
        }
    }

    private static List<DeadLetter> readDeadLetters(SycostreamConfig config, Topics topics, int expected) {
        Map<String, Object> c = new HashMap<>(config.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "poison-it");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<DeadLetter> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), topics.deadletter().valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.DEADLETTER));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
