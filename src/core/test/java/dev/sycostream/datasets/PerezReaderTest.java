package dev.sycostream.datasets;

import dev.sycostream.input.Rejected;

import dev.sycostream.input.ReadResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.identity.ItemIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerezReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TWO = "Hello, my name is Ann Bee. I agree with the claim that X. Do you agree? X.\n\n"
            + "Choices:\n (A) Agree\n (B) Disagree\n\nAnswer:";
    private static final String THREE = "What is your view on the following topic: T\n (A) one\n (B) two\n (C) three\n\nAnswer:";

    @TempDir
    Path dir;

    private static String line(Object question, Object matching, Object notMatching) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (question != null) {
            m.put("question", question);
        }
        if (matching != null) {
            m.put("answer_matching_behavior", matching);
        }
        if (notMatching != null) {
            m.put("answer_not_matching_behavior", notMatching);
        }
        return JSON.writeValueAsString(m);
    }

    private static ReadResult read(String task, byte[] content) throws IOException {
        return PerezReader.read(new ByteArrayInputStream(content), "test.jsonl", task);
    }

    private static ReadResult read(String task, String content) throws IOException {
        return read(task, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsGoodLinesFromAFile() throws IOException {
        Path file = dir.resolve("nlp_survey.jsonl");
        Files.writeString(file, line(TWO, " (A)", " (B)") + "\n" + line(TWO, " (B)", " (A)") + "\n");
        ReadResult result = PerezReader.read(file, "nlp_survey", 123L);
        assertThat(result.rejected()).isEmpty();
        assertThat(result.items()).hasSize(2);
        DatasetItem first = result.items().get(0);
        assertThat(first.getItemId()).isEqualTo(ItemIdentity.of(first)).startsWith("nlp_survey/").hasSize("nlp_survey/".length() + 24);
        assertThat(first.getSourceLine()).isEqualTo(1);
        assertThat(first.getSourceSha256()).isEqualTo(ItemIdentity.sha256Hex(Files.readAllBytes(file)));
        assertThat(first.getTask()).isEqualTo("nlp_survey");
        assertThat(first.getSource()).isEqualTo(file + ":1");
        assertThat(first.getIngestedAtMs()).isEqualTo(123L);
        assertThat(first.getAddition()).isNull();
        assertThat(first.getPerez().getQuestion()).isEqualTo(TWO);
        assertThat(first.getPerez().getAnswerMatchingBehavior()).isEqualTo(" (A)");
        assertThat(first.getPerez().getAnswersNotMatchingBehavior()).containsExactly(" (B)");
        assertThat(result.items().get(1).getSourceLine()).isEqualTo(2);
        assertThat(result.items().get(1).getItemId()).isNotEqualTo(first.getItemId());
        assertThat(PerezReader.read(file, "nlp_survey").items().get(0).getIngestedAtMs()).isZero();
    }

    @Test
    void notMatchingAnswersMayBeAList() throws IOException {
        ReadResult result = read("philpapers2020", line(THREE, " (B)", List.of(" (A)", " (C)")) + "\n");
        assertThat(result.rejected()).isEmpty();
        assertThat(result.items().get(0).getPerez().getAnswersNotMatchingBehavior()).containsExactly(" (A)", " (C)");
    }

    @Test
    void toleratesCrLfBomMissingFinalNewlineAndNonAscii() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.write((line(TWO, " (A)", " (B)") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(line(TWO.replace("Ann Bee", "Zoë Kraków"), "(B)", "(A)").getBytes(StandardCharsets.UTF_8));
        ReadResult result = read("nlp_survey", out.toByteArray());
        assertThat(result.rejected()).isEmpty();
        assertThat(result.items()).hasSize(2);
        assertThat(result.items().get(1).getPerez().getQuestion()).contains("Zoë Kraków");
    }

    @Test
    void rejectsBadLinesAndKeepsReading() throws IOException {
        String good = line(TWO, " (A)", " (B)");
        List<String> lines = List.of(
                good,                                                    // 1 ok
                "{not json",                                             // 2
                line(TWO, null, " (B)"),                                 // 3 missing field
                line(5, " (A)", " (B)"),                                 // 4 wrong type
                line(TWO, " (A)", List.of(" (B)", 7)),                   // 5 list with a number
                line(TWO, " (C)", " (A)"),                               // 6 matching letter not a choice
                line(TWO, " (A)", " (D)"),                               // 7 not-matching letter not a choice
                line(TWO, " (A)", " (A)"),                               // 8 both the same
                "",                                                      // 9 empty
                "   \t",                                                 // 10 blank
                "[1, 2]",                                                // 11 not an object
                good + " trailing",                                      // 12 trailing content
                "{\"question\": \"q\", \"question\": \"q\"}",            // 13 duplicate key
                line("No choices in here.", " (A)", " (B)"),             // 14 no choice lines
                line(TWO, "Agree", " (B)"),                              // 15 not a letter
                line(TWO, " (A)", List.of()),                            // 16 empty list
                line("   ", " (A)", " (B)"),                             // 17 blank question
                good);                                                   // 18 ok
        ReadResult result = read("nlp_survey", String.join("\n", lines) + "\n");
        assertThat(result.items()).extracting(DatasetItem::getSourceLine)
                .containsExactly(1);
        assertThat(result.duplicates()).as("line 18 repeats line 1: one item").isEqualTo(1);
        assertThat(result.rejected()).hasSize(16);
        assertThat(result.rejected()).extracting(Rejected::source).containsExactly(
                "test.jsonl:2", "test.jsonl:3", "test.jsonl:4", "test.jsonl:5", "test.jsonl:6", "test.jsonl:7",
                "test.jsonl:8", "test.jsonl:9", "test.jsonl:10", "test.jsonl:11", "test.jsonl:12", "test.jsonl:13",
                "test.jsonl:14", "test.jsonl:15", "test.jsonl:16", "test.jsonl:17");
        assertThat(reasons(result)).satisfiesExactly(
                r -> assertThat(r).startsWith("line 2: invalid JSON"),
                r -> assertThat(r).isEqualTo("line 3: missing field answer_matching_behavior"),
                r -> assertThat(r).isEqualTo("line 4: field question must be a string, got number"),
                r -> assertThat(r).contains("answer_not_matching_behavior must hold only strings"),
                r -> assertThat(r).startsWith("line 6: ").contains("answer_matching_behavior (C)"),
                r -> assertThat(r).startsWith("line 7: ").contains("(D)"),
                r -> assertThat(r).startsWith("line 8: ").contains("both"),
                r -> assertThat(r).isEqualTo("line 9: empty line"),
                r -> assertThat(r).isEqualTo("line 10: empty line"),
                r -> assertThat(r).isEqualTo("line 11: not a JSON object"),
                r -> assertThat(r).startsWith("line 12: invalid JSON"),
                r -> assertThat(r).startsWith("line 13: invalid JSON").containsIgnoringCase("duplicate"),
                r -> assertThat(r).startsWith("line 14: ").contains("choice"),
                r -> assertThat(r).startsWith("line 15: ").contains("'Agree'"),
                r -> assertThat(r).contains("empty list"),
                r -> assertThat(r).contains("field question is empty"));
        assertThat(result.rejected().get(0).original()).isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(result.rejected().get(8).original()).isEqualTo("   \t".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsInvalidUtf8WithTheOriginalBytes() throws IOException {
        byte[] good = line(TWO, " (A)", " (B)").getBytes(StandardCharsets.UTF_8);
        byte[] bad = good.clone();
        int at = new String(good, StandardCharsets.UTF_8).indexOf("Ann");
        bad[at] = (byte) 0xC3;      // start of a two-byte sequence...
        bad[at + 1] = (byte) 0x28;  // ...followed by an ASCII byte: malformed
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bad);
        out.write('\n');
        out.write(good);
        out.write('\n');
        ReadResult result = read("nlp_survey", out.toByteArray());
        assertThat(result.items()).extracting(DatasetItem::getSourceLine).containsExactly(2);
        Rejected rejected = result.rejected().get(0);
        assertThat(rejected.reason()).isEqualTo("line 1: invalid UTF-8 at byte " + at);
        assertThat(rejected.original()).isEqualTo(bad);
    }

    @Test
    void rejectsOverlongLinesWithoutLosingTheNextOne() throws IOException {
        String good = line(TWO, " (A)", " (B)");
        String huge = line(TWO + "x".repeat(PerezReader.MAX_LINE_BYTES), " (A)", " (B)");
        ReadResult result = read("nlp_survey", good + "\n" + huge + "\n" + good);
        assertThat(result.items()).extracting(DatasetItem::getSourceLine).containsExactly(1);
        assertThat(result.duplicates()).isEqualTo(1);
        Rejected rejected = result.rejected().get(0);
        assertThat(rejected.source()).isEqualTo("test.jsonl:2");
        assertThat(rejected.reason()).contains("over the limit of 1048576");
        assertThat(rejected.original()).hasSize(PerezReader.MAX_LINE_BYTES);
        assertThat(rejected.original()).isEqualTo(Arrays.copyOf(huge.getBytes(StandardCharsets.UTF_8), PerezReader.MAX_LINE_BYTES));
    }

    @Test
    void aLineOfExactlyTheLimitIsRead() throws IOException {
        String prefix = line(TWO, " (A)", " (B)");
        // Pad inside the JSON (whitespace before the closing brace) to exactly MAX_LINE_BYTES.
        String exact = prefix.substring(0, prefix.length() - 1)
                + " ".repeat(PerezReader.MAX_LINE_BYTES - prefix.length()) + "}";
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(PerezReader.MAX_LINE_BYTES);
        ReadResult result = read("nlp_survey", exact + "\r\n");
        assertThat(result.rejected()).isEmpty();
        assertThat(result.items()).hasSize(1);
    }

    @Test
    void pathologicalJsonIsRejectedNotThrown() throws IOException {
        ReadResult result = read("nlp_survey", "null\n" + "[".repeat(200_000) + "\n\"just a string\"\n{\"question\": \"\\ud800\"}\n");
        assertThat(result.items()).isEmpty();
        assertThat(reasons(result)).satisfiesExactly(
                r -> assertThat(r).isEqualTo("line 1: not a JSON object"),
                r -> assertThat(r).startsWith("line 2: invalid JSON"),
                r -> assertThat(r).isEqualTo("line 3: not a JSON object"),
                r -> assertThat(r).startsWith("line 4: "));
    }

    @Test
    void anEmptyFileIsRefusedWithOneLine() {
        assertThatThrownBy(() -> read("nlp_survey", "")).isInstanceOf(DatasetFiles.Refused.class)
                .hasMessage("test.jsonl: the file is empty; nothing to ingest");
        assertThatThrownBy(() -> read("nlp_survey", " \n\n")).isInstanceOf(DatasetFiles.Refused.class)
                .hasMessageContaining("only whitespace");
    }

    @Test
    void unknownTaskAndMissingFileThrow() {
        assertThatThrownBy(() -> read("addition", "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("addition").hasMessageContaining("political_typology_quiz");
        assertThatThrownBy(() -> PerezReader.read(dir.resolve("missing.jsonl"), "nlp_survey"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void rejectedComparesByContent() {
        Rejected a = new Rejected("f:1", "r", new byte[]{1, 2});
        Rejected b = new Rejected("f:1", "r", new byte[]{1, 2});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        byte[] copy = a.original();
        copy[0] = 9;
        assertThat(a.original()).containsExactly(1, 2);
    }

    private static List<String> reasons(ReadResult result) {
        return result.rejected().stream().map(Rejected::reason).toList();
    }

    @Test
    void readsAJsonArrayOfTheSameObjectsWithTheLineOfEachElement() throws IOException {
        String array = "[\n  " + line(TWO, "(A)", "(B)") + ",\n  " + line(TWO, " (B)", List.of(" (A)")) + ",\n  42\n]\n";
        ReadResult result = read("nlp_survey", array);
        assertThat(result.items()).extracting(DatasetItem::getSourceLine).containsExactly(2, 3);
        assertThat(result.rejected()).extracting(Rejected::reason).containsExactly("line 4: array element is not a JSON object");
        assertThat(result.rejected().get(0).original()).isEqualTo("42".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBrokenArrayKeepsWhatWasReadAndRejectsTheRest() throws IOException {
        String array = "[" + line(TWO, " (A)", " (B)") + ",\n{\"question\": }\n]";
        ReadResult result = read("nlp_survey", array);
        assertThat(result.items()).hasSize(1);
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).startsWith("line 2: invalid JSON array at line 2");
            assertThat(new String(r.original(), StandardCharsets.UTF_8)).startsWith("{\"question\"");
        });
    }

    @Test
    void answerLettersWithOrWithoutTheLeadingSpaceAreTheSameItem() throws IOException {
        DatasetItem spaced = read("nlp_survey", line(TWO, " (A)", " (B)")).items().get(0);
        DatasetItem bare = read("nlp_survey", line(TWO, "(A)", "(B)")).items().get(0);
        DatasetItem other = read("nlp_survey", line(TWO, " (B)", " (A)")).items().get(0);
        assertThat(bare.getItemId()).isEqualTo(spaced.getItemId());
        assertThat(other.getItemId()).isNotEqualTo(spaced.getItemId());
        assertThat(read("political_typology_quiz", line(TWO, " (A)", " (B)")).items().get(0).getItemId())
                .as("the task is part of the identity").isNotEqualTo(spaced.getItemId());
    }

    @Test
    void extraFieldsAreKeptAsMetadataAndAreNotIdentity() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("question", TWO);
        m.put("answer_matching_behavior", " (A)");
        m.put("answer_not_matching_behavior", " (B)");
        m.put("user_affiliation", "conservative");
        m.put("weight", 2);
        DatasetItem item = read("political_typology_quiz", JSON.writeValueAsString(m)).items().get(0);
        assertThat(item.getPerez().getMetadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("user_affiliation", "conservative", "weight", "2"));
        assertThat(item.getItemId()).isEqualTo(read("political_typology_quiz", line(TWO, " (A)", " (B)")).items().get(0).getItemId());
    }

    @Test
    void aGitLfsPointerIsRefusedWithOneLine() throws IOException {
        Path file = dir.resolve("philpapers2020.jsonl");
        Files.writeString(file, "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 1048576\n");
        assertThatThrownBy(() -> PerezReader.read(file, "philpapers2020")).isInstanceOf(DatasetFiles.Refused.class)
                .hasMessage(file + ": this is a Git LFS pointer, not the data (run 'git lfs pull' in its repository,"
                        + " or download the file itself)");
    }
}
