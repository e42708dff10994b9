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

    @Test
    void linesAreWhereEachRecordStartsAfterQuotedLineBreaksBlankLinesAndErrors() {
        String text = "h1,h2\r\n\"two\r\nlines\",x\n\n\"three\nlines\n!\",y\n\"bad\"z,\"open\nstill\"\nafter,1\n";
        List<Csv.Record> records = Csv.parse(text);
        assertThat(records).extracting(Csv.Record::line).containsExactly(1, 2, 4, 5, 8, 9, 10);
        assertThat(records.get(1).fields()).containsExactly("two\r\nlines", "x");
        assertThat(records.get(2).isBlank()).isTrue();
        assertThat(records.get(3).fields()).containsExactly("three\nlines\n!", "y");
        // the bad record is cut at the end of the line of its offence; reading goes on with the next line, which
        // is malformed in its turn (it closes a quote it never opened), and then the rest is read as before
        assertThat(records.get(4).error()).startsWith("unexpected character 'z' after a closing quote on line 8");
        assertThat(records.get(4).raw()).isEqualTo("\"bad\"z,\"open");
        assertThat(records.get(5).line()).isEqualTo(9);
        assertThat(records.get(5).error()).startsWith("quote inside an unquoted field on line 9");
        assertThat(Csv.parse(text + "ok,2\n")).last().extracting(Csv.Record::line, Csv.Record::fields)
                .containsExactly(11, List.of("ok", "2"));
    }

    @Test
    void aQuoteNeverClosedTakesTheRestOfTheTextWithoutItsFinalTerminator() {
        List<Csv.Record> records = Csv.parse("a,1\n\"open,2\nb,3\r\n");
        assertThat(records).hasSize(2);
        assertThat(records.get(1).line()).isEqualTo(2);
        assertThat(records.get(1).error()).isEqualTo("quoted field opened on line 2 is never closed");
        assertThat(records.get(1).raw()).isEqualTo("\"open,2\nb,3");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsRefusedEvenWhereJacksonWouldReadOnIntoAQuotedLineBreak() {
        // Jackson reads x"y literally and then "a\nb" as one quoted field over two lines; RFC 4180 refuses line 1
        List<Csv.Record> records = Csv.parse("x\"y,\"a\nb\"\nnext,1\n");
        assertThat(records).extracting(Csv.Record::line).containsExactly(1, 2, 3);
        assertThat(records.get(0).error()).startsWith("quote inside an unquoted field on line 1");
        assertThat(records.get(0).raw()).isEqualTo("x\"y,\"a");
        assertThat(records.get(1).error()).startsWith("quote inside an unquoted field on line 2");
        assertThat(records.get(2).fields()).containsExactly("next", "1");
    }

    @Test
    void byteOrderMarkEmptyTextAndLoneCrAtTheEnd() {
        assertThat(Csv.parse("")).isEmpty();
        assertThat(Csv.parse("\uFEFFa,b\n")).singleElement().extracting(Csv.Record::fields).isEqualTo(List.of("a", "b"));
        assertThat(Csv.parse("a,b\r")).singleElement().extracting(Csv.Record::fields).isEqualTo(List.of("a", "b\r"));
        assertThat(Csv.parse("\n")).singleElement().satisfies(r -> assertThat(r.isBlank()).isTrue());
    }
}
