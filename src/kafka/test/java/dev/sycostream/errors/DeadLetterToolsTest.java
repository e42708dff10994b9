package dev.sycostream.errors;

import dev.sycostream.deadletter.DeadLetterFilter;
import dev.sycostream.deadletter.DeadLetterFormatter;
import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.deadletter.KafkaSource;
import dev.sycostream.deadletter.StoredDeadLetter;

import dev.sycostream.avro.DeadLetter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of the dead-letter command that need no broker: sources, filters, the replay plan, the text. */
class DeadLetterToolsTest {
    private static StoredDeadLetter stored(long offset, String stage, String source, String reason, byte[] value) {
        return new StoredDeadLetter(0, offset, DeadLetters.of(stage, source, reason, "k".getBytes(StandardCharsets.UTF_8),
                value, null, 1_000L), null);
    }

    @Test
    void kafkaSourcesParseBackAndFileLinesAreNotKafkaSources() {
        assertThat(KafkaSource.parse("sycostream.model.replies/2/17")).contains(new KafkaSource("sycostream.model.replies", 2, 17));
        assertThat(KafkaSource.parse(DeadLetters.kafkaSource("a.b-c_d", 0, 0))).contains(new KafkaSource("a.b-c_d", 0, 0));
        for (String notKafka : new String[]{"/tmp/x/nlp_survey.jsonl:7", "nlp_survey.jsonl:7", "t/1", "t/x/3", "t/-1/3",
                "/1/2", "", "bad topic/1/2"}) {
            assertThat(KafkaSource.parse(notKafka)).as(notKafka).isEmpty();
        }
        assertThat(KafkaSource.parse(null)).isEmpty();
    }

    @Test
    void aLargeOriginalIsKeptCutWithItsLengthAndTheReasonSaysSo() {
        byte[] big = new byte[DeadLetters.MAX_ORIGINAL_BYTES + 10];
        Arrays.fill(big, (byte) 'x');
        DeadLetter cut = DeadLetters.of("worker", "t/0/1", "too big", null, big, null, 1L);
        assertThat(cut.getOriginalValue().remaining()).isEqualTo(DeadLetters.MAX_ORIGINAL_BYTES);
        assertThat(cut.getOriginalValueLength()).isEqualTo(big.length);
        assertThat(cut.getReason()).isEqualTo("too big [dead letter keeps the first " + DeadLetters.MAX_ORIGINAL_BYTES
                + " of the value's " + big.length + " bytes]");
        DeadLetter whole = DeadLetters.of("worker", "t/0/1", "small", null, new byte[]{1}, null, 1L);
        assertThat(whole.getOriginalValueLength()).isNull();
        assertThat(whole.getReason()).isEqualTo("small");
    }

    @Test
    void filtersCombineAndOnlyAnOffsetSelectsAnUnreadableLetter() {
        StoredDeadLetter replyPoison = stored(3, "streams-deserialization", "sycostream.model.replies/0/9", "Unknown magic byte", new byte[]{1});
        StoredDeadLetter line = stored(4, "ingest", "/data/a.jsonl:2", "line 2: invalid JSON", new byte[]{2});
        StoredDeadLetter unreadable = new StoredDeadLetter(0, 5, null, "not a readable DeadLetter: x");
        assertThat(DeadLetterFilter.ALL.matches(unreadable)).isTrue();
        assertThat(new DeadLetterFilter(Set.of(), "ingest", null, null).matches(line)).isTrue();
        assertThat(new DeadLetterFilter(Set.of(), "ingest", null, null).matches(replyPoison)).isFalse();
        assertThat(new DeadLetterFilter(Set.of(), null, "sycostream.model.replies", "MAGIC").matches(replyPoison)).isTrue();
        assertThat(new DeadLetterFilter(Set.of(), null, "sycostream.model.replies", "json").matches(replyPoison)).isFalse();
        assertThat(new DeadLetterFilter(Set.of(), null, "sycostream.model.replies", null).matches(line)).isFalse();
        assertThat(new DeadLetterFilter(Set.of(5L), null, null, null).matches(unreadable)).isTrue();
        assertThat(new DeadLetterFilter(Set.of(5L), "ingest", null, null).matches(unreadable)).isFalse();
    }

    @Test
    void theReplayPlanSendsKafkaRecordsBackAndSaysWhyOthersCannotGo() {
        byte[] big = new byte[DeadLetters.MAX_ORIGINAL_BYTES + 1];
        List<StoredDeadLetter> letters = List.of(
                stored(0, "streams-processing", "sycostream.datasets.raw/1/42", "bug", new byte[]{7}),
                stored(1, "ingest", "/data/a.jsonl:2", "line 2: invalid JSON", new byte[]{2}),
                stored(2, "worker", "elsewhere/0/1", "x", new byte[]{3}),
                stored(3, "worker", "sycostream.model.requests/0/1", "huge", big),
                stored(4, "worker", "sycostream.model.requests/0/2", "no value", null),
                new StoredDeadLetter(0, 5, null, "unreadable"));
        try (DeadLetterReplayer replayer = new DeadLetterReplayer(java.util.Map.of(),
                Set.of("sycostream.datasets.raw", "sycostream.model.requests"))) {
            List<DeadLetterReplayer.Outcome> plan = replayer.plan(letters);
            assertThat(plan.get(0).target()).isEqualTo(new KafkaSource("sycostream.datasets.raw", 1, 42));
            assertThat(plan).extracting(DeadLetterReplayer.Outcome::skipped).satisfiesExactly(
                    s -> assertThat(s).isNull(),
                    s -> assertThat(s).contains("not a Kafka record").contains("ingest it again"),
                    s -> assertThat(s).contains("elsewhere is not a sycostream topic"),
                    s -> assertThat(s).contains("only the first " + DeadLetters.MAX_ORIGINAL_BYTES + " of " + big.length),
                    s -> assertThat(s).contains("no original value"),
                    s -> assertThat(s).contains("unreadable"));
            assertThat(replayer.replay(plan.subList(1, plan.size()))).as("nothing replayable, no producer needed").isZero();
        }
    }

    @Test
    void originalsShowAsTextWhenTheyAreTextElseAsHex() {
        assertThat(DeadLetterFormatter.preview("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), 100)).isEqualTo("\"{\"a\": 1}\" (8 bytes)");
        assertThat(DeadLetterFormatter.preview(new byte[]{0, 0, 0, 0, 5, 2}, 100)).isEqualTo("hex 000000000502 (6 bytes)");
        assertThat(DeadLetterFormatter.preview(new byte[]{(byte) 0xC3, 0x28}, 100)).startsWith("hex c328");
        assertThat(DeadLetterFormatter.preview("abcdef".getBytes(StandardCharsets.UTF_8), 3)).isEqualTo("\"abc\" ... (6 bytes, first 3 shown)");
        assertThat(DeadLetterFormatter.preview(null, 3)).isEqualTo("(none)");
        StoredDeadLetter letter = stored(7, "ingest", "/data/a.jsonl:2", "line 2:\ninvalid JSON", new byte[]{2});
        assertThat(DeadLetterFormatter.line(letter)).startsWith("7 ").contains("ingest").contains("/data/a.jsonl:2")
                .contains("line 2: invalid JSON").contains("(1 bytes)").doesNotContain("\n");
        assertThat(DeadLetterFormatter.details(letter, 10)).contains("replayable:  no");
    }
}
