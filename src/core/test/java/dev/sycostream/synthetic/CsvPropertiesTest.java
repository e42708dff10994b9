package dev.sycostream.synthetic;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any records an RFC 4180 writer produces read back as the same fields, each with the line it starts on (quoted
 * fields may hold commas, quotes, CR, LF and CRLF), whatever mix of LF and CRLF ends the records.
 */
class CsvPropertiesTest {
    record Written(List<List<String>> rows, List<Boolean> crlf) {
    }

    @Provide
    Arbitrary<Written> written() {
        Arbitrary<String> field = Arbitraries.strings().withChars("aé,\"\n\r x").ofMaxLength(8);
        Arbitrary<List<List<String>>> rows = field.list().ofMinSize(1).ofMaxSize(5).list().ofMaxSize(15);
        return rows.flatMap(r -> Arbitraries.of(true, false).list().ofSize(r.size()).map(c -> new Written(r, c)));
    }

    private static String quoted(String f) {
        boolean plain = f.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
        return plain ? f : '"' + f.replace("\"", "\"\"") + '"';
    }

    @Property(tries = 500)
    void writtenRecordsReadBackWithTheirFieldsAndFirstLines(@ForAll("written") Written w) {
        StringBuilder text = new StringBuilder();
        List<Integer> lines = new ArrayList<>();
        int line = 1;
        for (int i = 0; i < w.rows().size(); i++) {
            List<String> row = w.rows().get(i);
            lines.add(line);
            text.append(String.join(",", row.stream().map(CsvPropertiesTest::quoted).toList()))
                    .append(w.crlf().get(i) ? "\r\n" : "\n");
            line += 1 + (int) String.join("", row).chars().filter(c -> c == '\n').count();
        }
        List<Csv.Record> records = Csv.parse(text.toString());
        assertThat(records).allSatisfy(r -> assertThat(r.error()).isNull());
        assertThat(records).extracting(Csv.Record::fields).containsExactlyElementsOf(w.rows());
        assertThat(records).extracting(Csv.Record::line).containsExactlyElementsOf(lines);
    }
}
