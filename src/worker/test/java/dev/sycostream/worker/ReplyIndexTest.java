package dev.sycostream.worker;

import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply index over a {@link MockConsumer} of two replies partitions, on a real RocksDB state dir: what a restart
 * reads (records counted), what survives it, and what an empty, corrupt, foreign or locked state dir does.
 */
class ReplyIndexTest {
    private static final ReplyTopic TOPIC = new ReplyTopic("topic-id-1", Duration.ofDays(30));
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** The replies topic as a broker would hold it: ids {@code id-0 .. id-(n-1)}, alternating partitions. */
    private final Map<TopicPartition, List<ConsumerRecord<byte[], Void>>> topic = new HashMap<>();

    private void reply(String requestId, long timestamp) {
        int partition = Math.abs(requestId.hashCode() % 2);
        TopicPartition tp = new TopicPartition(Topics.MODEL_REPLIES, partition);
        List<ConsumerRecord<byte[], Void>> log = topic.computeIfAbsent(tp, p -> new java.util.ArrayList<>());
        log.add(new ConsumerRecord<>(Topics.MODEL_REPLIES, partition, log.size(), timestamp, TimestampType.CREATE_TIME,
                requestId.length(), 0, requestId.getBytes(StandardCharsets.UTF_8), null, new RecordHeaders(),
                Optional.empty()));
    }

    private void replies(int from, int to) {
        IntStream.range(from, to).forEach(i -> reply("id-" + i, System.currentTimeMillis()));
    }

    /** An index reading the topic as it is now, caught up. */
    private ReplyIndex caughtUp(ReplyTopic replies) throws InterruptedException {
        MockConsumer<byte[], Void> consumer = new MockConsumer<>("earliest");
        List<PartitionInfo> partitions = IntStream.range(0, 2)
                .mapToObj(p -> new PartitionInfo(Topics.MODEL_REPLIES, p, Node.noNode(), new Node[0], new Node[0]))
                .toList();
        consumer.updatePartitions(Topics.MODEL_REPLIES, partitions);
        Map<TopicPartition, Long> beginning = new HashMap<>();
        Map<TopicPartition, Long> end = new HashMap<>();
        for (PartitionInfo p : partitions) {
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            beginning.put(tp, 0L);
            end.put(tp, (long) topic.getOrDefault(tp, List.of()).size());
        }
        consumer.updateBeginningOffsets(beginning);
        consumer.updateEndOffsets(end);
        // Records are handed over once the reader has assigned and positioned itself, as a broker would serve them.
        consumer.schedulePollTask(() -> topic.values().forEach(log -> log.forEach(consumer::addRecord)));
        ReplyIndex index = new ReplyIndex(consumer, "test-reply-index", dir, () -> replies).start();
        assertThat(index.awaitCaughtUp(WAIT)).as("caught up").isTrue();
        return index;
    }

    private static void assertAnswered(ReplyIndex index, int answered, int asked) {
        for (int i = 0; i < asked; i++) {
            assertThat(index.contains("id-" + i)).as("id-" + i).isEqualTo(i < answered);
        }
    }

    @Test
    void aRestartOnTheSameStateDirReadsOnlyTheNewRepliesAndKeepsTheOldOnes() throws Exception {
        replies(0, 1000);
        try (ReplyIndex first = caughtUp(TOPIC)) {
            assertThat(first.recordsRead()).isEqualTo(1000);
            assertAnswered(first, 1000, 1100);
        }
        replies(1000, 1050);
        try (ReplyIndex second = caughtUp(TOPIC)) {
            assertThat(second.recordsRead()).as("only the replies written since").isEqualTo(50);
            assertAnswered(second, 1050, 1100);
        }
        try (ReplyIndex third = caughtUp(TOPIC)) {
            assertThat(third.recordsRead()).as("nothing new").isZero();
            assertAnswered(third, 1050, 1100);
        }
    }

    @Test
    void anEmptiedStateDirIsReadFromTheBeginning() throws Exception {
        replies(0, 300);
        caughtUp(TOPIC).close();
        deleteContents(dir);
        try (ReplyIndex again = caughtUp(TOPIC)) {
            assertThat(again.recordsRead()).isEqualTo(300);
            assertAnswered(again, 300, 400);
        }
    }

    @Test
    void aCorruptStateDirStartsOverFromTheBeginning() throws Exception {
        replies(0, 300);
        caughtUp(TOPIC).close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.writeString(f, "not a RocksDB file");
            }
        }
        replies(300, 310);
        try (ReplyIndex again = caughtUp(TOPIC)) {
            assertThat(again.recordsRead()).as("everything, nothing skipped").isEqualTo(310);
            assertAnswered(again, 310, 400);
        }
    }

    @Test
    void aStateDirOfAnotherTopicIsNotTrusted() throws Exception {
        replies(0, 300);
        caughtUp(TOPIC).close();
        // The topic deleted and created again (or another cluster): same name, other replies.
        topic.clear();
        replies(0, 100);
        try (ReplyIndex other = caughtUp(new ReplyTopic("topic-id-2", TOPIC.retention()))) {
            assertThat(other.recordsRead()).isEqualTo(100);
            assertAnswered(other, 100, 300);
        }
    }

    @Test
    void aReplyOlderThanTheRetentionNoLongerCounts() throws Exception {
        reply("id-0", System.currentTimeMillis() - Duration.ofDays(31).toMillis());
        reply("id-1", System.currentTimeMillis() - Duration.ofDays(29).toMillis());
        try (ReplyIndex index = caughtUp(TOPIC)) {
            assertThat(index.contains("id-0")).as("gone from the topic: answered again").isFalse();
            assertThat(index.contains("id-1")).isTrue();
        }
    }

    @Test
    void aReplyThisWorkerCommittedCountsAtOnce() throws Exception {
        try (ReplyIndex index = caughtUp(TOPIC)) {
            assertThat(index.contains("mine")).isFalse();
            index.add("mine");
            assertThat(index.contains("mine")).isTrue();
        }
    }

    @Test
    void aStateDirLockedByALiveIndexIsLeftAloneAndTheSecondReadsEverything() throws Exception {
        replies(0, 200);
        try (ReplyIndex holder = caughtUp(TOPIC); ReplyIndex second = caughtUp(TOPIC)) {
            assertThat(second.recordsRead()).isEqualTo(200);
            assertAnswered(second, 200, 250);
            assertAnswered(holder, 200, 250);
        }
        try (ReplyIndex after = caughtUp(TOPIC)) {
            assertThat(after.recordsRead()).as("the holder's offsets are intact").isZero();
        }
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                Files.delete(p);
            }
        }
    }
}
