package dev.sycostream.synthetic;

import dev.sycostream.input.Rejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassificationReaderTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(ClassificationReaderTest.class.getResource("/classification/" + name),
                    name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClassificationReader.Result jsonl(String text, LabelMap map) throws IOException {
        return ClassificationReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "mem.jsonl",
                ClassificationReader.Format.JSONL, map);
    }

    @Test
    void snliJsonlKeepsPremiseBeforeHypothesisAndRejectsEveryBadLine() throws IOException {
        Path file = fixture("snli.jsonl");
        ClassificationReader.Result r = ClassificationReader.read(file, LabelMaps.builtIn("snli"));

        assertThat(r.rows()).containsExactly(
                // line 1 has "hypothesis" before "premise" in the file: the map's order wins
                new ClassificationRow(file + ":1", List.of("The small cat naps on a mat.", "A cat sleeps."), 0),
                new ClassificationRow(file + ":2", List.of("Two kids kick a ball.", "Nobody is outside."), 2),
                new ClassificationRow(file + ":8", List.of("A woman sings \"loudly\".", "A person makes\nsound."), 1));
        assertThat(InputText.format(r.rows().get(0).texts()))
                .isEqualTo("\"The small cat naps on a mat.\" and \"A cat sleeps.\"");

        assertThat(r.rejected()).extracting(Rejected::source)
                .containsExactly(file + ":3", file + ":4", file + ":5", file + ":6", file + ":7");
        assertThat(r.rejected().get(0).reason()).isEqualTo("line 3: label -1 is out of range 0..2 for snli");
        assertThat(new String(r.rejected().get(0).original(), StandardCharsets.UTF_8))
                .isEqualTo("{\"premise\": \"A man reads.\", \"hypothesis\": \"Someone holds a book.\", \"label\": -1}");
        assertThat(r.rejected().get(1).reason()).isEqualTo("line 4: field label must be an integer, got string \"0\"");
        assertThat(r.rejected().get(2).reason())
                .isEqualTo("line 5: missing field hypothesis (fields present: premise, label)");
        assertThat(r.rejected().get(3).reason()).startsWith("line 6: invalid JSON at column");
        assertThat(r.rejected().get(4).reason()).isEqualTo("line 7: empty line");
    }

    @Test
    void sst2CsvWithQuotedCommasEscapedQuotesAndNewlines() throws IOException {
        Path file = fixture("sst2.csv");
        ClassificationReader.Result r = ClassificationReader.read(file, LabelMaps.builtIn("sst2"));

        assertThat(r.rows()).containsExactly(
                new ClassificationRow(file + ":2", List.of("a warm, funny film"), 1),
                new ClassificationRow(file + ":3", List.of("the \"best\" plot twist"), 1),
                new ClassificationRow(file + ":4", List.of("flat\r\nand dull"), 0),
                new ClassificationRow(file + ":6", List.of("plain words"), 0));
        assertThat(InputText.format(r.rows().get(2).texts())).isEqualTo("\"flatand dull\"");

        assertThat(r.rejected()).extracting(Rejected::source, Rejected::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(file + ":7", "line 7: field label must be an integer, got 'positive'"),
                org.assertj.core.groups.Tuple.tuple(file + ":8", "line 8: record has 4 fields but the header has 3"),
                org.assertj.core.groups.Tuple.tuple(file + ":9", "line 9: label 2 is out of range 0..1 for sst2"));
        assertThat(new String(r.rejected().get(1).original(), StandardCharsets.UTF_8)).isEqualTo("6,\"too many\",1,extra");
    }

    @Test
    void csvColumnOrderDoesNotMatterAndMissingColumnsAreNamed() throws IOException {
        Path file = dir.resolve("pairs.csv");
        Files.writeString(file, "label,hypothesis,premise\n1,\"h, one\",p one\n");
        ClassificationReader.Result r = ClassificationReader.read(file, LabelMaps.builtIn("glue_mnli"));
        assertThat(r.rows()).containsExactly(new ClassificationRow(file + ":2", List.of("p one", "h, one"), 1));

        Path other = dir.resolve("other.csv");
        Files.writeString(other, "sentence,label\nfine,0\n");
        ClassificationReader.Result missing = ClassificationReader.read(other, LabelMaps.builtIn("snli"));
        assertThat(missing.rows()).isEmpty();
        assertThat(missing.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.source()).isEqualTo(other + ":2");
            assertThat(rej.reason()).isEqualTo("line 2: missing field premise (CSV columns: sentence, label)");
        });
    }

    @Test
    void malformedCsvRecordsAreRejectedAndReadingGoesOn() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "text,label\n\"stray\"x,1\nok,0\nbad\"quote,1\n\nlast,1\n\"never closed,1\nmore,0\n");
        ClassificationReader.Result r = ClassificationReader.read(file, LabelMaps.custom("mine", List.of("n", "y"), null));
        assertThat(r.rows()).extracting(ClassificationRow::source, ClassificationRow::texts).containsExactly(
                org.assertj.core.groups.Tuple.tuple(file + ":3", List.of("ok")),
                org.assertj.core.groups.Tuple.tuple(file + ":6", List.of("last")));
        assertThat(r.rejected()).extracting(Rejected::source)
                .containsExactly(file + ":2", file + ":4", file + ":5", file + ":7");
        assertThat(r.rejected().get(0).reason()).startsWith("line 2: malformed CSV: unexpected character 'x'");
        assertThat(r.rejected().get(1).reason()).startsWith("line 4: malformed CSV: quote inside an unquoted field");
        assertThat(r.rejected().get(2).reason()).isEqualTo("line 5: empty line");
        assertThat(r.rejected().get(3).reason())
                .isEqualTo("line 7: malformed CSV: quoted field opened on line 7 is never closed");
    }

    @Test
    void jsonlTypeAndRangeErrors() throws IOException {
        LabelMap sst2 = LabelMaps.builtIn("sst2");
        ClassificationReader.Result r = jsonl("""
                {"sentence": 5, "label": 1}
                {"sentence": "x", "label": 1.5}
                {"sentence": "x", "label": 99999999999}
                {"sentence": "  \\"\\"\\n ", "label": 0}
                [1, 2]
                {"sentence": "a", "sentence": "b", "label": 0}
                {"sentence": "fine", "label": 1}
                """, sst2);
        assertThat(r.rows()).containsExactly(new ClassificationRow("mem.jsonl:7", List.of("fine"), 1));
        assertThat(r.rejected()).extracting(Rejected::reason).containsExactly(
                "line 1: field sentence must be a string, got number",
                "line 2: field label must be an integer, got number 1.5",
                "line 3: label 99999999999 is out of range 0..1 for sst2",
                "line 4: field sentence is empty",
                "line 5: not a JSON object",
                r.rejected().get(5).reason());
        assertThat(r.rejected().get(5).reason()).startsWith("line 6: invalid JSON").contains("sentence");
    }

    @Test
    void invalidUtf8InJsonlRejectsOnlyThatLine() throws IOException {
        byte[] bytes = "{\"text\": \"ok\", \"label\": 0}\n{\"text\": \"\u00ff\", \"label\": 1}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        ClassificationReader.Result r = ClassificationReader.read(new ByteArrayInputStream(bytes), "latin1.jsonl",
                ClassificationReader.Format.JSONL, LabelMaps.builtIn("rotten_tomatoes"));
        assertThat(r.rows()).hasSize(1);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.source()).isEqualTo("latin1.jsonl:2");
            assertThat(rej.reason()).startsWith("line 2: invalid UTF-8 at byte");
        });
    }

    @Test
    void invalidUtf8InCsvRejectsOnlyThatRecordWithItsBytes() throws IOException {
        // Latin-1 'ÿ' on line 3; a quoted field spanning lines 4-5 with a bad byte on line 5; good rows around them.
        byte[] bytes = "text,label\nok,0\n\u00ff,1\n\"two\nlines \u00e9\",1\nlast,1\n".getBytes(StandardCharsets.ISO_8859_1);
        ClassificationReader.Result r = ClassificationReader.read(new ByteArrayInputStream(bytes), "latin1.csv",
                ClassificationReader.Format.CSV, LabelMaps.builtIn("rotten_tomatoes"));
        assertThat(r.rows()).extracting(ClassificationRow::source).containsExactly("latin1.csv:2", "latin1.csv:6");
        assertThat(r.rejected()).satisfiesExactly(
                rej -> {
                    assertThat(rej.source()).isEqualTo("latin1.csv:3");
                    assertThat(rej.reason()).isEqualTo("line 3: invalid UTF-8 at byte 0 of the record");
                    assertThat(rej.original()).isEqualTo("\u00ff,1".getBytes(StandardCharsets.ISO_8859_1));
                },
                rej -> {
                    assertThat(rej.source()).isEqualTo("latin1.csv:4");
                    assertThat(rej.reason()).isEqualTo("line 4: invalid UTF-8 at byte 11 of the record");
                    assertThat(rej.original()).isEqualTo("\"two\nlines \u00e9\",1".getBytes(StandardCharsets.ISO_8859_1));
                });
    }

    @Test
    void aCsvHeaderThatIsNotUtf8FailsTheFileNamingTheLine() {
        byte[] bytes = "t\u00ffxt,label\nok,0\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ClassificationReader.read(new ByteArrayInputStream(bytes), "latin1.csv",
                ClassificationReader.Format.CSV, LabelMaps.builtIn("rotten_tomatoes")))
                .isInstanceOf(IOException.class).hasMessageStartingWith("latin1.csv:1: the CSV header is not UTF-8");
    }

    @Test
    void bomAndTrecLabelColumn() throws IOException {
        Path file = dir.resolve("trec.csv");
        Files.write(file, ("\uFEFFtext,coarse_label,fine_label\nWho wrote it?,3,29\n").getBytes(StandardCharsets.UTF_8));
        assertThat(ClassificationReader.read(file, LabelMaps.builtIn("trec")).rows())
                .containsExactly(new ClassificationRow(file + ":2", List.of("Who wrote it?"), 3));
    }

    @Test
    void formatFromExtension() {
        assertThat(ClassificationReader.Format.of(Path.of("a/b.CSV"))).isEqualTo(ClassificationReader.Format.CSV);
        assertThat(ClassificationReader.Format.of(Path.of("x.ndjson"))).isEqualTo(ClassificationReader.Format.JSONL);
        assertThatThrownBy(() -> ClassificationReader.Format.of(Path.of("x.tsv")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.tsv").hasMessageContaining(".csv");
    }

    @Test
    void duplicateCsvHeaderIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("dup.csv");
        Files.writeString(file, "text,text,label\na,b,0\n");
        assertThatThrownBy(() -> ClassificationReader.read(file, LabelMaps.builtIn("ag_news")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(file + ":1: column 'text' appears twice in the CSV header");
    }
}
