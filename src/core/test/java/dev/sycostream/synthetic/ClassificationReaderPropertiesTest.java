package dev.sycostream.synthetic;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The classification reader (CSV and JSON Lines) never throws on a row's content, and reads back exactly the rows
 * a CSV writer would produce. Only a file-level problem (an unreadable or duplicated CSV header) fails the file,
 * and then with a message naming the file and line.
 */
class ClassificationReaderPropertiesTest {
    private static final LabelMap LABELS = LabelMaps.custom("mine", List.of("no", "yes"), null);

    @Provide
    Arbitrary<byte[]> csvLike() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
                Arbitraries.of(",", "\"", "\"\"", "\n", "\r\n", "text", "label", "0", "1", "2", "-1", "\u00e9"));
        Arbitrary<byte[]> text = piece.list().ofMaxSize(40).map(l -> ("text,label\n" + String.join("", l)).getBytes(StandardCharsets.UTF_8));
        // Now and then a byte that is not UTF-8, anywhere after the header.
        return Combinators.combine(text, Arbitraries.integers().greaterOrEqual(0), Arbitraries.of((byte) 0xFF, (byte) 0xC3, (byte) 0x80),
                Arbitraries.integers().between(0, 3)).as((bytes, at, bad, chance) -> {
                    if (chance == 0 && bytes.length > 11) {
                        bytes[11 + at % (bytes.length - 11)] = bad;
                    }
                    return bytes;
                });
    }

    @Property(tries = 500)
    void anyCsvBodyGivesRowsOrRejectionsNeverAnException(@ForAll("csvLike") byte[] content) throws IOException {
        ClassificationReader.Result r = ClassificationReader.read(new ByteArrayInputStream(content), "fuzz.csv",
                ClassificationReader.Format.CSV, LABELS);
        r.rejected().forEach(rej -> {
            assertThat(rej.source()).startsWith("fuzz.csv:");
            assertThat(rej.reason()).startsWith("line ");
        });
        r.rows().forEach(row -> assertThat(row.label()).isBetween(0, 1));
    }

    @Property(tries = 300)
    void anyBytesAsCsvOrJsonLinesNeverThrowAnythingButAClearFileError(@ForAll byte[] content, @ForAll boolean csv) {
        Throwable thrown = catchThrowable(() -> ClassificationReader.read(new ByteArrayInputStream(content), "fuzz",
                csv ? ClassificationReader.Format.CSV : ClassificationReader.Format.JSONL, LABELS));
        if (thrown != null) {
            assertThat(csv).as("only a CSV header can fail a file").isTrue();
            assertThat(thrown).isInstanceOfAny(IOException.class, IllegalArgumentException.class)
                    .hasMessageStartingWith("fuzz:1: ");
        }
    }

    record Row(String text, int label) {
    }

    @Provide
    Arbitrary<List<Row>> rows() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .filter(s -> !s.isBlank() && s.chars().noneMatch(c -> Character.isSurrogate((char) c) || c == '\r'));
        return Combinators.combine(text, Arbitraries.integers().between(0, 1)).as(Row::new).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void rowsWrittenAsCsvReadBackExactly(@ForAll("rows") List<Row> rows) throws IOException {
        StringBuilder csv = new StringBuilder("text,label\r\n");
        for (Row row : rows) {
            csv.append('"').append(row.text().replace("\"", "\"\"")).append("\",").append(row.label()).append("\r\n");
        }
        ClassificationReader.Result r = ClassificationReader.read(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                "ok.csv", ClassificationReader.Format.CSV, LABELS);
        assertThat(r.rejected()).isEmpty();
        List<Row> back = new ArrayList<>();
        r.rows().forEach(row -> back.add(new Row(row.texts().get(0), row.label())));
        assertThat(back).isEqualTo(rows);
    }
}
