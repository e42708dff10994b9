package dev.sycostream.training;



import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.TrainingExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.sycostream.training.TrainingExamples.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final TrainingExporter exporter = new TrainingExporter();

    /** g01, g02, ... as prompt-completion examples whose completion names them. */
    private static List<TrainingExample> generated(int n) {
        return IntStream.rangeClosed(1, n)
                .mapToObj(i -> example("base", String.format("g%02d", i), "Human: q" + i + "\n\nAssistant: I believe the best answer is", "g" + i))
                .toList();
    }

    /** A prompt-completion mix file whose lines have completions m1, m2, ... */
    private Path mixFile(int lines) throws Exception {
        Path file = dir.resolve("instructions.jsonl");
        List<String> content = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            content.add("{\"prompt\":\"instruction " + i + "\",\"completion\":\"m" + i + "\"}");
        }
        Files.write(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** The completion of every line, in file order. */
    private static List<String> completions(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line).get("completion").asText());
        }
        return out;
    }

    private List<Path> filesIn(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesOneLinePerExampleThatParsesBackToTheExample() throws Exception {
        List<TrainingExample> examples = List.of(example("base", "a", 1, 2), example("base", "b", 30, 40));
        Path chat = dir.resolve("out/base.openai-chat.jsonl");
        Path pc = dir.resolve("out/base.prompt-completion.jsonl");

        TrainingExporter.Result r1 = exporter.export(examples, ExportFormat.OPENAI_CHAT, chat, null, null, null);
        TrainingExporter.Result r2 = exporter.export(examples, ExportFormat.PROMPT_COMPLETION, pc, null, null, null);

        assertThat(r1).isEqualTo(new TrainingExporter.Result(2, 0, chat));
        assertThat(r2).isEqualTo(new TrainingExporter.Result(2, 0, pc));
        List<String> chatLines = Files.readAllLines(chat, StandardCharsets.UTF_8);
        List<String> pcLines = Files.readAllLines(pc, StandardCharsets.UTF_8);
        assertThat(chatLines).hasSize(2);
        assertThat(pcLines).hasSize(2);
        assertThat(Files.readString(chat)).endsWith("}\n");
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample e = examples.get(i);
            assertThat(chatLines.get(i)).isEqualTo(ExportFormat.OPENAI_CHAT.toLine(e));
            JsonNode messages = JSON.readTree(chatLines.get(i)).get("messages");
            assertThat("Human: " + messages.get(0).get("content").asText() + "\n\nAssistant: I believe the best answer is")
                    .isEqualTo(e.getPrompt());
            assertThat(messages.get(1).get("content").asText()).isEqualTo("I believe the best answer is" + e.getTargetAnswer());
            JsonNode p = JSON.readTree(pcLines.get(i));
            assertThat(p.get("prompt").asText()).isEqualTo(e.getPrompt());
            assertThat(p.get("completion").asText()).isEqualTo(e.getTargetAnswer());
        }
    }

    @Test
    void mixesFiveToOneInterleavedWithLeftoversLast() throws Exception {
        Path mix = mixFile(10);
        Path out = dir.resolve("mixed.jsonl");

        // 12 generated: round(12 / 5) = round(2.4) = 2 mixed
        TrainingExporter.Result r = exporter.export(generated(12), ExportFormat.PROMPT_COMPLETION, out,
                MixSpec.parse(mix, "5:1"), null, null);
        assertThat(r).isEqualTo(new TrainingExporter.Result(12, 2, out));
        assertThat(completions(out)).containsExactly(
                "g1", "g2", "g3", "g4", "g5", "m1", "g6", "g7", "g8", "g9", "g10", "m2", "g11", "g12");

        // 13 generated: round(2.6) = 3; the third has no full group of 5 to follow, so it comes last
        r = exporter.export(generated(13), ExportFormat.PROMPT_COMPLETION, out, MixSpec.parse(mix, "5:1"), null, null);
        assertThat(r.mixed()).isEqualTo(3);
        assertThat(completions(out)).containsExactly(
                "g1", "g2", "g3", "g4", "g5", "m1", "g6", "g7", "g8", "g9", "g10", "m2", "g11", "g12", "g13", "m3");
    }

    @Test
    void mixesThreeToTwoCyclingThroughAShortFile() throws Exception {
        Path mix = mixFile(3);
        Path out = dir.resolve("mixed.jsonl");

        // 7 generated: round(7 * 2 / 3) = round(4.67) = 5 mixed, from a 3-line file: m1 m2 m3 m1 m2
        TrainingExporter.Result r = exporter.export(generated(7), ExportFormat.PROMPT_COMPLETION, out,
                MixSpec.parse(mix, "3:2"), null, null);

        assertThat(r).isEqualTo(new TrainingExporter.Result(7, 5, out));
        assertThat(completions(out)).containsExactly(
                "g1", "g2", "g3", "m1", "m2", "g4", "g5", "g6", "m3", "m1", "g7", "m2");
        // Mix lines are copied as they are in the file.
        assertThat(Files.readAllLines(out).get(3)).isEqualTo("{\"prompt\":\"instruction 1\",\"completion\":\"m1\"}");
    }

    @Test
    void theMixedCountIsTheRoundedRatio() {
        MixSpec fiveToOne = new MixSpec(Path.of("x"), 5, 1);
        assertThat(fiveToOne.mixedFor(0)).isZero();
        assertThat(fiveToOne.mixedFor(2)).isZero();       // 0.4
        assertThat(fiveToOne.mixedFor(3)).isEqualTo(1);   // 0.6
        assertThat(fiveToOne.mixedFor(1000)).isEqualTo(200);
        assertThat(new MixSpec(Path.of("x"), 2, 1).mixedFor(1)).isEqualTo(1); // 0.5 rounds up
        assertThat(new MixSpec(Path.of("x"), 3, 2).mixedFor(7)).isEqualTo(5);
        assertThat(new MixSpec(Path.of("x"), 1, 3).mixedFor(4)).isEqualTo(12);
    }

    @Test
    void ratiosAreParsedStrictly() {
        assertThat(MixSpec.parse(Path.of("f"), "5:1")).isEqualTo(new MixSpec(Path.of("f"), 5, 1));
        assertThat(MixSpec.parse(Path.of("f"), " 3 : 2 ")).isEqualTo(new MixSpec(Path.of("f"), 3, 2));
        assertThat(MixSpec.parse(Path.of("f"), null)).isEqualTo(new MixSpec(Path.of("f"), 5, 1));
        for (String bad : List.of("5", "5:", "a:b", "5:1:1", "-5:1", "1.5:1", "")) {
            assertThatThrownBy(() -> MixSpec.parse(Path.of("f"), bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid --ratio '" + bad + "': expected GENERATED:MIXED, two positive whole numbers such as 5:1");
        }
        assertThatThrownBy(() -> MixSpec.parse(Path.of("f"), "5:0"))
                .hasMessage("mix ratio parts must be at least 1, got 5:0");
    }

    @Test
    void theLimitCapsGeneratedExamplesBeforeMixing() throws Exception {
        Path mix = mixFile(10);
        Path out = dir.resolve("limited.jsonl");

        TrainingExporter.Result r = exporter.export(generated(20), ExportFormat.PROMPT_COMPLETION, out,
                MixSpec.parse(mix, "5:1"), 6, null);

        assertThat(r).isEqualTo(new TrainingExporter.Result(6, 1, out)); // round(6 / 5) = 1
        assertThat(completions(out)).containsExactly("g1", "g2", "g3", "g4", "g5", "m1", "g6");

        r = exporter.export(generated(3), ExportFormat.PROMPT_COMPLETION, out, null, 100, null);
        assertThat(r.generated()).isEqualTo(3);
        assertThatThrownBy(() -> exporter.export(generated(3), ExportFormat.PROMPT_COMPLETION, out, null, 0, null))
                .hasMessage("limit must be at least 1, got 0");
    }

    @Test
    void aBadMixLineIsReportedWithFileAndLine() throws Exception {
        Path mix = dir.resolve("bad.jsonl");
        Files.writeString(mix, "{\"prompt\":\"a\",\"completion\":\"b\"}\n\n{\"prompt\":\"a\",\"completion\":\"b\"\n");
        Path out = dir.resolve("out.jsonl");

        assertThatThrownBy(() -> exporter.export(generated(5), ExportFormat.PROMPT_COMPLETION, out, MixSpec.parse(mix, "5:1"), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(mix + ":3: not valid JSON");

        Files.writeString(mix, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n{\"prompt\":\"a\",\"completion\":\"b\"}\n");
        assertThatThrownBy(() -> exporter.export(generated(5), ExportFormat.OPENAI_CHAT, out, MixSpec.parse(mix, "5:1"), null, null))
                .hasMessage(mix + ":2: no non-empty \"messages\" array (openai-chat needs {\"messages\":[{\"role\":...,\"content\":...},...]})"
                        + " (expected a openai-chat line)");

        Files.writeString(mix, "\"just a string\"\n");
        assertThatThrownBy(() -> exporter.export(generated(5), ExportFormat.PROMPT_COMPLETION, out, MixSpec.parse(mix, "5:1"), null, null))
                .hasMessage(mix + ":1: not a JSON object (expected a prompt-completion line)");

        Files.writeString(mix, "\n\n");
        assertThatThrownBy(() -> exporter.export(generated(5), ExportFormat.PROMPT_COMPLETION, out, MixSpec.parse(mix, "5:1"), null, null))
                .hasMessage("mix file " + mix + " has no lines to mix in");

        Path missing = dir.resolve("missing.jsonl");
        assertThatThrownBy(() -> exporter.export(generated(5), ExportFormat.PROMPT_COMPLETION, out, MixSpec.parse(missing, "5:1"), null, null))
                .hasMessage("mix file " + missing + " does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void writesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        Path out = dir.resolve("set.jsonl");
        Files.writeString(out, "old content\n");

        exporter.export(generated(3), ExportFormat.PROMPT_COMPLETION, out, null, null, null);
        assertThat(filesIn(dir)).containsExactly(out);
        assertThat(completions(out)).containsExactly("g1", "g2", "g3");

        // A failure while writing leaves the previous file as it was and removes the temporary file.
        ProgressListener failing = (done, total) -> {
            if (done == 2) {
                throw new IllegalStateException("disk full (simulated)");
            }
        };
        assertThatThrownBy(() -> exporter.export(generated(5), ExportFormat.PROMPT_COMPLETION, out, null, null, failing))
                .hasMessage("disk full (simulated)");
        assertThat(filesIn(dir)).containsExactly(out);
        assertThat(completions(out)).containsExactly("g1", "g2", "g3");

        // So does an example that cannot be written in the format.
        List<TrainingExample> bad = List.of(example("base", "a", 1, 2), example("base", "not-chat", "plain prompt", " (A)"));
        assertThatThrownBy(() -> exporter.export(bad, ExportFormat.OPENAI_CHAT, out, null, null, null))
                .hasMessageContaining("item not-chat of target base");
        assertThat(filesIn(dir)).containsExactly(out);
        assertThat(completions(out)).containsExactly("g1", "g2", "g3");
    }

    @Test
    void reportsProgressPerLineAndFinishes() throws Exception {
        List<String> seen = new ArrayList<>();
        ProgressListener recorder = new ProgressListener() {
            @Override
            public void update(long done, long total) {
                seen.add(done + "/" + total);
            }

            @Override
            public void finish() {
                seen.add("finish");
            }
        };
        exporter.export(generated(5), ExportFormat.PROMPT_COMPLETION, dir.resolve("p.jsonl"),
                MixSpec.parse(mixFile(1), "5:1"), null, recorder);
        assertThat(seen).containsExactly("1/6", "2/6", "3/6", "4/6", "5/6", "6/6", "finish");
    }

    @Test
    void anEmptySetGivesAnEmptyFile() throws Exception {
        Path out = dir.resolve("empty.jsonl");
        TrainingExporter.Result r = exporter.export(List.of(), ExportFormat.PROMPT_COMPLETION, out, MixSpec.parse(mixFile(2), "5:1"), null, null);
        assertThat(r).isEqualTo(new TrainingExporter.Result(0, 0, out));
        assertThat(Files.size(out)).isZero();
    }
}
