package dev.sycostream.cli;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.errors.DeadLetterReplayer;
import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.testing.EmbeddedClusterSupport;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sycostream.testing.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad dataset files through {@code sycostream ingest} and the dead letters they leave, inspected and replayed with
 * {@code sycostream deadletter list|show|replay}, on the in-process broker and registry.
 */
class DeadLetterCommandIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static EmbeddedClusterSupport cluster;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedClusterSupport.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static String[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        int at = all.get(0).equals("deadletter") ? 2 : 1;
        all.addAll(at, List.of("--bootstrap-servers", (String) cluster.clientConfig().get("bootstrap.servers"),
                "--schema-registry-url", (String) cluster.serdeConfig().get("schema.registry.url")));
        return run(all.toArray(String[]::new));
    }

    private static String perezLine(String question, String matching, String notMatching) {
        return "{\"question\": \"" + question + "\", \"answer_matching_behavior\": \"" + matching
                + "\", \"answer_not_matching_behavior\": \"" + notMatching + "\"}";
    }

    private static final String QUESTION = "Hello, I am Ann. I agree. Do you agree?\\n\\nChoices:\\n (A) Agree\\n (B) Disagree\\n\\nAnswer:";

    @Test
    void everyBadLineIsCountedRejectedAndDeadLetteredWithFileLineReasonAndBytesAndTheLettersCanBeReplayed() throws Exception {
        // --- bad dataset files through `sycostream ingest` ---
        byte[] invalidUtf8 = perezLine(QUESTION, " (A)", " (B)").getBytes(StandardCharsets.UTF_8);
        invalidUtf8[20] = (byte) 0xC3;
        invalidUtf8[21] = (byte) 0x28;
        byte[] tenMegabytes = perezLine(QUESTION + "x".repeat(10 * 1024 * 1024), " (A)", " (B)").getBytes(StandardCharsets.UTF_8);
        List<byte[]> lines = List.of(
                perezLine(QUESTION, " (A)", " (B)").getBytes(StandardCharsets.UTF_8),          // 1 good
                "{not json".getBytes(StandardCharsets.UTF_8),                                  // 2 invalid JSON
                "{\"question\": \"q\"}".getBytes(StandardCharsets.UTF_8),                      // 3 missing fields
                ("{\"question\": 5, \"answer_matching_behavior\": \" (A)\", "
                        + "\"answer_not_matching_behavior\": \" (B)\"}").getBytes(StandardCharsets.UTF_8),    // 4 wrong type
                perezLine(QUESTION, " (Z)", " (B)").getBytes(StandardCharsets.UTF_8),          // 5 unknown answer letter
                new byte[0],                                                                   // 6 empty line
                invalidUtf8,                                                                   // 7 invalid UTF-8
                tenMegabytes,                                                                  // 8 a 10 MB line
                perezLine(QUESTION, " (B)", " (A)").getBytes(StandardCharsets.UTF_8));         // 9 good
        Path perez = dir.resolve("nlp_survey.jsonl");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            file.write(line);
            file.write('\n');
        }
        Files.write(perez, file.toByteArray());
        Path csv = dir.resolve("wrong-columns.csv");
        Files.writeString(csv, "sentence_text,polarity\nfine film,1\ndull film,0\n");

        String[] ingest = cli("ingest", "perez:nlp_survey=" + perez, "classification:sst2=" + csv);
        // The CSV gives no item at all: the run exits 1 and says so, after dead-lettering every rejected line.
        assertThat(ingest[0]).as("exit code; stderr: %s", ingest[2]).isEqualTo("1");
        assertThat(ingest[1]).contains("perez: nlp_survey questions from " + perez + ": 2 items, 7 rejected")
                .contains(csv + ", labels").contains("0 items, 2 rejected");
        assertThat(ingest[2]).contains("rejected " + perez + ":2: line 2: invalid JSON")
                .contains("rejected " + perez + ":7: line 7: invalid UTF-8 at byte 20")
                .contains("line 2: missing field sentence")
                .contains("error: classification: ").contains(": no item could be read, 2 rejected");

        // Nothing readable at all: a non-zero exit with one clear line.
        Path allBad = dir.resolve("all-bad.jsonl");
        Files.writeString(allBad, "{not json\n\n");
        String[] nothing = cli("ingest", "perez:nlp_survey=" + allBad);
        assertThat(nothing[0]).isEqualTo("1");
        assertThat(nothing[1]).contains("0 items, 2 rejected");
        assertThat(nothing[2]).contains("error: perez: nlp_survey questions from " + allBad
                + ": no item could be read, 2 rejected").contains("line 1: invalid JSON");

        String[] missing = cli("ingest", "perez:nlp_survey=" + dir.resolve("nope.jsonl"));
        assertThat(missing[0]).isEqualTo("1");
        assertThat(missing[2].strip()).startsWith("error: cannot read nlp_survey file").doesNotContain("\tat ")
                .hasLineCount(1);

        // --- the dead letters: list, with the stage, the file and line, and the reason ---
        String[] list = cli("deadletter", "list", "--stage", "ingest");
        assertThat(list[0]).isEqualTo("0");
        String listing = list[1];
        for (int line : new int[]{2, 3, 4, 5, 6, 7, 8}) {
            assertThat(listing).contains(perez + ":" + line + " ");
        }
        assertThat(listing).contains(allBad + ":1 ").contains(allBad + ":2 ")
                .contains(csv + ":2 ").contains(csv + ":3 ")
                .contains("line 5: ").contains("line 6: empty line").contains("over the limit")
                .contains("11 dead letters");

        List<ConsumerRecord<String, DeadLetter>> letters = cluster.read(cluster.topics().deadletter(),
                r -> r.size() >= 11, TIMEOUT, Duration.ZERO);
        assertThat(letters).hasSize(11);
        DeadLetter utf8 = letter(letters, perez + ":7");
        assertThat(utf8.getStage()).isEqualTo("ingest");
        assertThat(utf8.getReason()).isEqualTo("line 7: invalid UTF-8 at byte 20");
        assertThat(bytes(utf8.getOriginalValue())).isEqualTo(invalidUtf8);
        DeadLetter huge = letter(letters, perez + ":8");
        byte[] kept = bytes(huge.getOriginalValue());
        assertThat(kept).as("the start of a 10 MB line is kept").hasSize(DeadLetters.MAX_ORIGINAL_BYTES)
                .isEqualTo(Arrays.copyOf(tenMegabytes, DeadLetters.MAX_ORIGINAL_BYTES));
        assertThat(huge.getReason()).contains("line is " + tenMegabytes.length + " bytes, over the limit");
        assertThat(huge.getOriginalValueLength()).isNotNull();
        assertThat(bytes(letter(letters, perez + ":5").getOriginalValue())).isEqualTo(lines.get(4));
        assertThat(letter(letters, perez + ":5").getReason()).contains("(Z)");
        assertThat(letter(letters, perez + ":4").getReason()).contains("must be a string");

        // --- show: every field, bytes that are not text as hex ---
        long utf8Offset = letters.stream().filter(r -> r.value().getSource().equals(perez + ":7")).findFirst().orElseThrow().offset();
        String[] show = cli("deadletter", "show", Long.toString(utf8Offset));
        assertThat(show[0]).isEqualTo("0");
        assertThat(show[1]).contains("stage:       ingest").contains("source:      " + perez + ":7")
                .contains("reason:      line 7: invalid UTF-8 at byte 20").contains("value:       hex 7b227175")
                .contains("replayable:  no");
        assertThat(cli("deadletter", "show", "999999")[2]).contains("error: no dead letter at offset 999999");

        // --- replay: letters of Kafka records go back, byte for byte, to where they were read ---
        DatasetItem item = Fixtures.additionItems(1).get(0);
        byte[] itemBytes = cluster.topics().datasetsRaw().valueSerde().serializer().serialize(Topics.DATASETS_RAW, item);
        byte[] garbage = {0, 0, 0, 0x7f, 0x7f, 1, 2, 3};
        cluster.send(cluster.topics().deadletter(), List.of(
                Map.entry(item.getItemId(), DeadLetters.of("streams-processing", Topics.DATASETS_RAW + "/1/42",
                        "processor prompts-fanout failed: a bug since fixed", item.getItemId().getBytes(StandardCharsets.UTF_8),
                        itemBytes, new IllegalStateException("bug"), 1L)),
                Map.entry("r-1", DeadLetters.of("streams-deserialization", Topics.MODEL_REPLIES + "/0/7",
                        "cannot deserialize: schema id 2139062017 not found", "r-1".getBytes(StandardCharsets.UTF_8),
                        garbage, null, 2L))));
        long itemsBefore = cluster.read(cluster.topics().datasetsRaw(), r -> false, Duration.ofSeconds(2), Duration.ZERO).size();

        String[] unselected = cli("deadletter", "replay");
        assertThat(unselected[0]).isEqualTo("2");
        assertThat(unselected[2].strip()).hasLineCount(1).contains("--all");

        String[] dry = cli("deadletter", "replay", "--all", "--dry-run");
        assertThat(dry[0]).isEqualTo("0");
        assertThat(dry[1]).contains("would replay 11 -> " + Topics.DATASETS_RAW + "/1")
                .contains("would replay 12 -> " + Topics.MODEL_REPLIES + "/0")
                .contains("skip 0: source '" + perez + ":2' is not a Kafka record")
                .contains("dry run: 2 of 13 selected letters would be replayed; nothing sent");
        assertThat(cluster.read(cluster.topics().datasetsRaw(), r -> false, Duration.ofSeconds(2), Duration.ZERO))
                .as("a dry run sends nothing").hasSize((int) itemsBefore);

        String[] replay = cli("deadletter", "replay", "--source-topic", Topics.DATASETS_RAW);
        assertThat(replay[0]).as(replay[2]).isEqualTo("0");
        assertThat(replay[1]).contains("replay 11 -> " + Topics.DATASETS_RAW + "/1").contains("1 of 1 selected letters replayed");
        var replayed = cluster.read(cluster.topics().datasetsRaw(), r -> r.size() > itemsBefore, TIMEOUT, Duration.ofSeconds(1))
                .stream().filter(r -> r.headers().lastHeader(DeadLetterReplayer.HEADER) != null).toList();
        assertThat(replayed).singleElement().satisfies(r -> {
            assertThat(r.partition()).isEqualTo(1);
            assertThat(r.key()).isEqualTo(item.getItemId());
            assertThat(r.value()).isEqualTo(item);
            assertThat(new String(r.headers().lastHeader(DeadLetterReplayer.HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.DEADLETTER + "/0/11");
        });
        String[] byReason = cli("deadletter", "list", "--reason-contains", "SCHEMA ID");
        assertThat(byReason[1]).contains(Topics.MODEL_REPLIES + "/0/7").contains("1 dead letters");
    }

    private static DeadLetter letter(List<ConsumerRecord<String, DeadLetter>> letters, String source) {
        return letters.stream().map(ConsumerRecord::value).filter(l -> l.getSource().equals(source)).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter from " + source));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
