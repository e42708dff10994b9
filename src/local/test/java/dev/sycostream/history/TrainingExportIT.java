package dev.sycostream.history;

import dev.sycostream.training.ExportFormat;
import dev.sycostream.training.ProgressListener;
import dev.sycostream.training.TrainingExporter;

import dev.sycostream.training.TrainingExamples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.TrainingExample;
import dev.sycostream.testing.CliRunner;
import dev.sycostream.testing.EmbeddedClusterSupport;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sycostream.training.TrainingExamples.example;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training export on a real broker and registry: the latest committed value per key of one target, without
 * tombstoned keys or other targets' examples, written in both formats and read back.
 */
class TrainingExportIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedClusterSupport cluster;

    // base: b-1 kept, b-2 overwritten, b-3 tombstoned, b-4 kept, b-5 only in an aborted transaction
    private static final TrainingExample B1 = example("base", "b-1", 3, 4);
    private static final TrainingExample B2_OLD = example("base", "b-2", 10, 20);
    private static final TrainingExample B2_NEW = example("base", "b-2", 11, 22);
    private static final TrainingExample B3 = example("base", "b-3", 5, 6);
    private static final TrainingExample B4 = example("base", "b-4", 70, 80);
    private static final TrainingExample B5_ABORTED = example("base", "b-5", 1, 1);
    private static final TrainingExample B1_ABORTED = example("base", "b-1", 99, 99);
    // another target, whose items must not appear in base's files; one shares an item id with base
    private static final TrainingExample I1 = example("intervened", "b-1", 40, 50);
    private static final TrainingExample I2 = example("intervened", "i-2", 60, 61);

    @TempDir
    Path dir;

    @BeforeAll
    static void startClusterAndProduce() {
        cluster = EmbeddedClusterSupport.start();
        cluster.send(cluster.topics().trainingSynthetic(), List.of(
                entry(B2_OLD), entry(B4), entry(I1), entry(B3), entry(B1), entry(I2), entry(B2_NEW)));
        List<Map.Entry<String, byte[]>> tombstone = new ArrayList<>();
        tombstone.add(new AbstractMap.SimpleEntry<>(key(B3), null));
        cluster.sendRaw(Topics.TRAINING_SYNTHETIC, tombstone);
        writeAborted(List.of(B5_ABORTED, B1_ABORTED));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String key(TrainingExample e) {
        return e.getTargetId() + "|" + e.getItemId();
    }

    private static Map.Entry<String, TrainingExample> entry(TrainingExample e) {
        return Map.entry(key(e), e);
    }

    @Test
    void readsTheLatestCommittedExamplesOfOneTargetInItemOrder() {
        {
            TrainingSetReader reader = new TrainingSetReader(cluster.clientConfig(), cluster.topics());
            assertThat(reader.read("base", Duration.ofSeconds(30))).containsExactly(B1, B2_NEW, B4);
            assertThat(reader.read("intervened", Duration.ofSeconds(30))).containsExactly(I1, I2);
            assertThat(reader.read("nobody", Duration.ofSeconds(30))).isEmpty();
            // Each read is a fresh snapshot: reading again gives the same.
            assertThat(reader.read("base", Duration.ofSeconds(30))).containsExactly(B1, B2_NEW, B4);
            assertThat(reader.skipped()).isZero();
        }
    }

    @Test
    void exportsOneTargetInBothFormats() throws Exception {
        List<TrainingExample> expected = List.of(B1, B2_NEW, B4);
        Path chat = dir.resolve("base.openai-chat.jsonl");
        Path pc = dir.resolve("base.prompt-completion.jsonl");
        {
            TrainingSetReader reader = new TrainingSetReader(cluster.clientConfig(), cluster.topics());
            List<TrainingExample> examples = reader.read("base", Duration.ofSeconds(30));
            TrainingExporter exporter = new TrainingExporter();
            assertThat(exporter.export(examples, ExportFormat.OPENAI_CHAT, chat, null, null, ProgressListener.NONE))
                    .isEqualTo(new TrainingExporter.Result(3, 0, chat));
            assertThat(exporter.export(examples, ExportFormat.PROMPT_COMPLETION, pc, null, null, ProgressListener.NONE))
                    .isEqualTo(new TrainingExporter.Result(3, 0, pc));
        }
        assertChatFile(chat, expected);
        assertPromptCompletionFile(pc, expected);
    }

    @Test
    void exportAllWritesAFilePerTarget() throws Exception {
        Map<String, TrainingExporter.Result> results = TrainingExport.exportAll(cluster.clientConfig(), cluster.topics(),
                List.of("base", "intervened"), dir.resolve("export"), ExportFormat.PROMPT_COMPLETION);

        Path base = dir.resolve("export/base.prompt-completion.jsonl");
        Path intervened = dir.resolve("export/intervened.prompt-completion.jsonl");
        assertThat(results).containsExactly(
                Map.entry("base", new TrainingExporter.Result(3, 0, base)),
                Map.entry("intervened", new TrainingExporter.Result(2, 0, intervened)));
        assertPromptCompletionFile(base, List.of(B1, B2_NEW, B4));
        assertPromptCompletionFile(intervened, List.of(I1, I2));
    }

    @Test
    void theCommandExportsMixesAndRefusesAnEmptyTarget() throws Exception {
        Path mix = dir.resolve("instructions.jsonl");
        Files.writeString(mix, "{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"},{\"role\":\"assistant\",\"content\":\"Hi.\"}]}\n");
        Path out = dir.resolve("cli/base.jsonl");
        String[] connection = {"--bootstrap-servers", (String) cluster.clientConfig().get("bootstrap.servers"),
                "--schema-registry-url", (String) cluster.serdeConfig().get("schema.registry.url")};

        String[] r = CliRunner.run(concat(new String[]{"export-training", "--target", "base", "--out", out.toString(),
                "--format", "openai-chat", "--mix-with", mix.toString(), "--ratio", "2:1"}, connection));

        assertThat(r[0]).as("stderr: %s", r[2]).isEqualTo("0");
        assertThat(r[1].strip()).isEqualTo("wrote 3 examples (+2 mixed) to " + out); // round(3 / 2) = 2
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        String mixLine = Files.readAllLines(mix).get(0);
        assertThat(lines).containsExactly(ExportFormat.OPENAI_CHAT.toLine(B1), ExportFormat.OPENAI_CHAT.toLine(B2_NEW), mixLine,
                ExportFormat.OPENAI_CHAT.toLine(B4), mixLine);
        assertThat(r[2]).contains("100% 5/5");

        Path none = dir.resolve("cli/nobody.jsonl");
        r = CliRunner.run(concat(new String[]{"export-training", "--target", "nobody", "--out", none.toString(),
                "--format", "prompt-completion"}, connection));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("error: target 'nobody' has no training examples in sycostream.training.synthetic");
        assertThat(none).doesNotExist();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void assertChatFile(Path file, List<TrainingExample> expected) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            TrainingExample e = expected.get(i);
            JsonNode messages = JSON.readTree(lines.get(i)).get("messages");
            assertThat(messages).hasSize(2);
            assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
            assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
            assertThat("Human: " + messages.get(0).get("content").asText() + "\n\nAssistant: I believe the best answer is")
                    .isEqualTo(e.getPrompt());
            assertThat(messages.get(1).get("content").asText()).isEqualTo("I believe the best answer is" + e.getTargetAnswer());
        }
    }

    private static void assertPromptCompletionFile(Path file, List<TrainingExample> expected) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.get("prompt").asText()).isEqualTo(expected.get(i).getPrompt());
            assertThat(line.get("completion").asText()).isEqualTo(expected.get(i).getTargetAnswer());
        }
    }

    /** Written in a transaction that is aborted: a read_committed export must never include them. */
    private static void writeAborted(List<TrainingExample> examples) {
        Map<String, Object> config = cluster.clientConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "training-export-it-aborted");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (TrainingExample e : examples) {
                producer.send(new ProducerRecord<>(Topics.TRAINING_SYNTHETIC, key(e),
                        cluster.topics().trainingSynthetic().valueSerde().serializer().serialize(Topics.TRAINING_SYNTHETIC, e)));
            }
            producer.flush();
            producer.abortTransaction();
        }
    }
}
