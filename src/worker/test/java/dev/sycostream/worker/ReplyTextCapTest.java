package dev.sycostream.worker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A reply must fit in one Kafka record, whatever a server sends back. */
class ReplyTextCapTest {
    @Test
    void longTextsAreCutToTheCapKeepingTheirStart() {
        String answer = " (B) Disagree. " + "and so on ".repeat(20_000);

        String kept = ModelWorker.capped(answer);

        assertThat(answer.length()).isGreaterThan(ModelWorker.MAX_REPLY_CHARS);
        assertThat(kept).hasSize(ModelWorker.MAX_REPLY_CHARS).startsWith(" (B) Disagree.");
        // UTF-8 takes at most 3 bytes per char of a Java string's BMP chars: still far below Kafka's 1 MiB record limit.
        assertThat(3L * ModelWorker.MAX_REPLY_CHARS).isLessThan(1024 * 1024);
    }

    @Test
    void shortTextsAndNullAreKeptAsTheyAre() {
        assertThat(ModelWorker.capped(" (A)")).isEqualTo(" (A)");
        assertThat(ModelWorker.capped(null)).isNull();
    }
}
