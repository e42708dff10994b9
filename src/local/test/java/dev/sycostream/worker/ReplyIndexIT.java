package dev.sycostream.worker;

import dev.sycostream.avro.ModelRequest;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.sycostream.testing.EmbeddedClusterSupport.await;
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
        return caughtUp(stateDir.resolve("index"));
    }

    private static ReplyIndex caughtUp(Path dir) throws InterruptedException {
        ReplyIndex index = ReplyIndex.open(cluster.clientConfig(), "it-index", dir).start();
        assertThat(index.awaitCaughtUp(WAIT)).as("caught up").isTrue();
        return index;
    }

    @Test
    void anAbortedReplyIsNoAnswerAndARestartReadsOnlyTheRepliesCommittedSince() throws Exception {
        long before; // replies the other test of this class may have written
        try (ReplyIndex other = caughtUp(stateDir.resolve("before"))) {
            before = other.recordsRead();
        }
        replies("ok", 0, 400, true);
        replies("aborted", 0, 100, false);
        try (ReplyIndex first = caughtUp()) {
            assertThat(first.recordsRead()).isEqualTo(before + 400);
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

    @Test
    void aWorkerRestartedOnItsStateDirSkipsAReplayOfWhatItAnsweredBefore() throws Exception {
        List<Map.Entry<String, ModelRequest>> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = "restart-" + i;
            requests.add(Map.entry(id, ModelRequest.newBuilder()
                    .setRequestId(id).setTargetId("base").setItemId("addition/" + i).setTask("addition")
                    .setVariant("with_opinion").setPrompt("Human: question " + i + "\n\nAssistant: I believe the best answer is")
                    .setChoices(List.of("Agree", "Disagree")).setUserAnswer("A").setCorrectAnswer("B")
                    .setBackend("simulated").setBackendParams(new HashMap<>(Map.of("sycophancy", "0.5", "knowledge", "0.9",
                            "seed", "3"))).setCreatedAtMs(1L)
                    .build()));
        }
        WorkerSettings settings = WorkerSettings.defaults().withStateDir(stateDir);
        cluster.send(cluster.topics().modelRequests(), requests);
        try (ModelWorker worker = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-restart", new Backends(),
                settings).start()) {
            assertThat(await(() -> worker.processed() == requests.size(), WAIT)).isTrue();
            assertThat(worker.modelCalls()).isEqualTo(requests.size());
        }
        // The same request ids again (a replay), to the same worker restarted on its state dir.
        cluster.send(cluster.topics().modelRequests(), requests);
        try (ModelWorker restarted = new ModelWorker(cluster.clientConfig(), cluster.topics(), "it-restart",
                new Backends(), settings).start()) {
            assertThat(await(() -> restarted.skipped() == requests.size(), WAIT)).as("every replayed id skipped").isTrue();
            assertThat(restarted.modelCalls()).as("nothing paid for twice").isZero();
        }
    }
}
