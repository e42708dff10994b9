package dev.sycostream.worker;

import dev.sycostream.testing.EmbeddedClusterSupport;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply index against a real broker: read_committed (an aborted reply is no answer), the topic's real id and
 * retention, and a restart on the same state dir reading only the replies committed since.
 */
class ReplyIndexIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EmbeddedClusterSupport cluster;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedClusterSupport.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Writes replies {@code prefix-from .. prefix-(to-1)} in one transaction, committed or aborted. */
    private static void replies(String prefix, int from, int to, boolean commit) {
        Map<String, Object> config = cluster.clientConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reply-index-it-" + prefix + from);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(Topics.MODEL_REPLIES, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8),
                        "reply".getBytes(StandardCharsets.UTF_8)));
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    private ReplyIndex caughtUp() throws InterruptedException {
        ReplyIndex index = ReplyIndex.open(cluster.clientConfig(), "it-index", stateDir).start();
        assertThat(index.awaitCaughtUp(WAIT)).as("caught up").isTrue();
        return index;
    }

    @Test
    void anAbortedReplyIsNoAnswerAndARestartReadsOnlyTheRepliesCommittedSince() throws Exception {
        replies("ok", 0, 400, true);
        replies("aborted", 0, 100, false);
        try (ReplyIndex first = caughtUp()) {
            assertThat(first.recordsRead()).isEqualTo(400);
            assertThat(first.contains("ok-0")).isTrue();
            assertThat(first.contains("ok-399")).isTrue();
            assertThat(first.contains("aborted-0")).as("aborted: must be answered").isFalse();
            assertThat(first.contains("ok-400")).isFalse();
        }
        replies("ok", 400, 450, true);
        replies("aborted", 100, 120, false);
        try (ReplyIndex restarted = caughtUp()) {
            assertThat(restarted.recordsRead()).as("only the replies committed since").isEqualTo(50);
            for (int i = 0; i < 450; i += 7) {
                assertThat(restarted.contains("ok-" + i)).as("ok-" + i).isTrue();
            }
            assertThat(restarted.contains("ok-449")).isTrue();
            assertThat(restarted.contains("aborted-110")).isFalse();
        }
    }
}
