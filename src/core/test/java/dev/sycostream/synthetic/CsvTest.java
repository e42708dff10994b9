package dev.sycostream.synthetic;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTest {
    @Test
    void rfc4180Basics() {
        List<Csv.Record> records = Csv.parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",\n,\n");
        assertThat(records).extracting(Csv.Record::fields).containsExactly(
                List.of("a", "b"), List.of("x, y", "say \"hi\""), List.of("multi\nline", ""), List.of("", ""));
        assertThat(records).extracting(Csv.Record::line).containsExactly(1, 2, 3, 5);
        assertThat(records.get(2).raw()).isEqualTo("\"multi\nline\",");
    }

    @Test
    void noFinalNewlineAndEmptyQuotedField() {
        assertThat(Csv.parse("\"\",z")).singleElement().extracting(Csv.Record::fields).isEqualTo(List.of("", "z"));
    }

    @Test
    void blankLineIsAnEmptyRecord() {
        List<Csv.Record> records = Csv.parse("a\n\nb\n");
        assertThat(records).hasSize(3);
        assertThat(records.get(1).isBlank()).isTrue();
        assertThat(records.get(2).line()).isEqualTo(3);
    }

    @Test
    void errorsKeepTheRawLineAndParsingResumes() {
        List<Csv.Record> records = Csv.parse("\"a\"b,c\r\nnext,1\n");
        assertThat(records.get(0).error()).contains("after a closing quote");
        assertThat(records.get(0).raw()).isEqualTo("\"a\"b,c");
        assertThat(records.get(1).fields()).containsExactly("next", "1");
        assertThat(records.get(1).line()).isEqualTo(2);
    }

    @Test
    void whatJacksonWouldLetThroughIsStillRefused() {
        // a lone CR is a character of the field, not a line break
        assertThat(Csv.parse("a\rb,c\n")).singleElement().extracting(Csv.Record::fields).isEqualTo(List.of("a\rb", "c"));
        // a space after a closing quote, and a quote inside an unquoted field, are errors of their record alone
        List<Csv.Record> records = Csv.parse("\"a\" ,b\nx\"y,1\nok,2\n");
        assertThat(records.get(0).error()).startsWith("unexpected character ' ' after a closing quote on line 1");
        assertThat(records.get(1).error()).startsWith("quote inside an unquoted field on line 2");
        assertThat(records.get(2).fields()).containsExactly("ok", "2");
        assertThat(records.get(2).line()).isEqualTo(3);
    }
}
