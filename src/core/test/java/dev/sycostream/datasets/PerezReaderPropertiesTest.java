package dev.sycostream.datasets;

import dev.sycostream.input.ReadResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.DatasetItem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PerezReader never throws on content, accounts for every line, and reads back what a valid file says. */
class PerezReaderPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bytes biased towards what makes JSON Lines interesting: braces, quotes, newlines, UTF-8 lead bytes. */
    @Provide
    Arbitrary<byte[]> fileContent() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) '{', (byte) '}', (byte) '"', (byte) '\n', (byte) '\r',
                (byte) ':', (byte) ',', (byte) '[', (byte) ' ', (byte) 0xC3, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0x80);
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, any))
                .list().ofMaxSize(600).map(list -> {
                    byte[] b = new byte[list.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = list.get(i);
                    }
                    return b;
                });
    }

    @Property(tries = 300)
    void anyBytesGiveItemsOrRejectionsForEveryLineAndNeverAnException(@ForAll("fileContent") byte[] content) throws IOException {
        ReadResult result;
        try {
            result = PerezReader.read(new ByteArrayInputStream(content), "fuzz.jsonl", "nlp_survey");
        } catch (DatasetFiles.Refused refused) {
            assertThat(new String(content, StandardCharsets.UTF_8)).as("only an empty file is refused here").isBlank();
            return;
        }
        if (dev.sycostream.input.JsonRecords.isArray(content)) {
            assertThat(result.items().size() + result.rejected().size()).as("a JSON array gives something").isPositive();
            return;
        }
        assertThat(result.items().size() + result.rejected().size() + result.duplicates())
                .as("every line accounted for").isEqualTo(lines(content));
        result.rejected().forEach(r -> {
            assertThat(r.source()).startsWith("fuzz.jsonl:");
            assertThat(r.reason()).startsWith("line ");
        });
    }

    /** Lines as the reader counts them: split on '\n', a final line without '\n' counts, nothing after a final '\n'. */
    private static int lines(byte[] content) {
        int n = 0;
        for (byte b : content) {
            n += b == '\n' ? 1 : 0;
        }
        return content.length > 0 && content[content.length - 1] != '\n' ? n + 1 : n;
    }

    record Question(String intro, List<String> labels, int matching, String outro) {
        String text() {
            StringBuilder sb = new StringBuilder(intro).append("\n\nChoices:");
            for (int i = 0; i < labels.size(); i++) {
                sb.append("\n (").append((char) ('A' + i)).append(") ").append(labels.get(i));
            }
            return sb.append("\n\n").append(outro).append("Answer:").toString();
        }
    }

    @Provide
    Arbitrary<Question> questions() {
        // Free text anywhere except that no line of it may look like a choice line "(X) ...".
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(80).filter(s -> !s.isBlank() && noLoneSurrogate(s))
                .map(s -> s.replaceAll("(?m)^[ \\t]*\\(", "["));
        Arbitrary<String> label = Arbitraries.strings().alpha().numeric().withChars(' ', '-', ',', 'é', '中').ofMinLength(1).ofMaxLength(30)
                .map(String::strip).filter(s -> !s.isEmpty());
        return Arbitraries.integers().between(2, 8).flatMap(k -> Combinators.combine(text, label.list().ofSize(k),
                Arbitraries.integers().between(0, k - 1), Arbitraries.strings().ofMaxLength(20).filter(PerezReaderPropertiesTest::noLoneSurrogate).map(s -> s.replaceAll("(?m)^[ \\t]*\\(", "[")))
                .as(Question::new));
    }

    /** JSON cannot carry half a surrogate pair; such a string is not a possible file content. */
    static boolean noLoneSurrogate(String s) {
        return s.chars().noneMatch(c -> Character.isSurrogate((char) c));
    }

    @Property(tries = 200)
    void aValidQuestionReadsBackExactly(@ForAll("questions") Question q) throws IOException {
        String matching = " (" + (char) ('A' + q.matching()) + ")";
        List<String> others = new ArrayList<>();
        for (int i = 0; i < q.labels().size(); i++) {
            if (i != q.matching()) {
                others.add(" (" + (char) ('A' + i) + ")");
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("question", q.text());
        line.put("answer_matching_behavior", matching);
        line.put("answer_not_matching_behavior", others.size() == 1 ? others.get(0) : others);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(JSON.writeValueAsBytes(line));
        out.write('\n');

        ReadResult result = PerezReader.read(new ByteArrayInputStream(out.toByteArray()), "ok.jsonl", "nlp_survey");
        assertThat(result.rejected()).as("rejections").isEmpty();
        DatasetItem item = result.items().get(0);
        assertThat(item.getPerez().getQuestion()).isEqualTo(q.text());
        assertThat(item.getPerez().getAnswerMatchingBehavior()).isEqualTo(matching);
        assertThat(item.getPerez().getAnswersNotMatchingBehavior()).isEqualTo(others);
        assertThat(item.getSource()).isEqualTo("ok.jsonl:1");
    }
}
