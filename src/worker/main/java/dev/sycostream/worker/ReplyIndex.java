package dev.sycostream.worker;

import dev.sycostream.topics.ConsumerThread;
import dev.sycostream.topics.TopicReaders;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The request ids that already have a committed reply, so a replayed request (a re-registered target, a
 * re-ingested item: request ids are deterministic) is not paid for twice at the model server.
 *
 * <p>Reads the keys of {@code sycostream.model.replies} (key = request_id, read_committed: an aborted reply is no
 * answer) on a background thread into an {@link AnsweredRequests} index in the worker's state dir, and keeps
 * following the topic, so replies written by other workers of the group are seen too. The index remembers the
 * offset it read up to per partition, so a restart on the same state dir reads only the replies written since, and
 * the heap holds nothing per reply. An empty or deleted state dir is read from the beginning once.
 *
 * <p>A request that races with another worker's reply may still be answered twice; the scoring stage counts only
 * the first reply per request id, so this saves model calls and never changes a metric.
 */
final class ReplyIndex implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplyIndex.class);
    /** Keys only (values are not deserialized), so large polls are cheap and make the first read faster. */
    private static final int MAX_POLL_RECORDS = 10_000;

    private final Consumer<byte[], Void> consumer;
    private final ConsumerThread follower;
    private final Path stateDir;
    private final Supplier<ReplyTopic> topic;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong read = new AtomicLong();
    private final AtomicBoolean lookupFailed = new AtomicBoolean();
    /** Set by the reader once the state dir is open; null before (nothing counts as answered yet). */
    private volatile AnsweredRequests store;

    ReplyIndex(Consumer<byte[], Void> consumer, String name, Path stateDir, Supplier<ReplyTopic> topic) {
        this.consumer = consumer;
        this.stateDir = stateDir;
        this.topic = topic;
        this.follower = new ConsumerThread(consumer, name, this::follow);
    }

    /** The index of worker {@code workerId}, kept in {@code stateDir}. */
    static ReplyIndex open(Map<String, Object> clientConfig, String workerId, Path stateDir) {
        String name = "sycostream-worker-" + workerId + "-reply-index";
        // assigned partitions, no group: every worker reads them all; "earliest": an offset the retention has
        // deleted since the last run resumes at the oldest reply left
        Map<String, Object> config = TopicReaders.config(clientConfig, name, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        Deserializer<Void> noValues = (t, data) -> null;
        KafkaConsumer<byte[], Void> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), noValues);
        return new ReplyIndex(consumer, name, stateDir, () -> ReplyTopic.describe(clientConfig, name));
    }

    ReplyIndex start() {
        follower.start();
        return this;
    }

    private void follow() {
        AnsweredRequests opened = null;
        try {
            ReplyTopic replies = topic.get();
            opened = AnsweredRequests.open(stateDir, replies.id(), replies.retention());
            store = opened;
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODEL_REPLIES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<Integer, Long> from = opened.offsets();
            for (TopicPartition tp : partitions) {
                Long offset = from.get(tp.partition());
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> written = new HashMap<>();
            while (follower.running()) {
                ConsumerRecords<byte[], Void> records = consumer.poll(Duration.ofMillis(200));
                Map<TopicPartition, Long> positions = positions(partitions);
                // Positions also move without records (transaction markers, aborted replies skipped).
                if (!records.isEmpty() || !positions.equals(written)) {
                    write(opened, records, positions);
                    written = positions;
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream()
                        .allMatch(e -> positions.get(e.getKey()) >= e.getValue())) {
                    log.info("reply index caught up: read {} replies since the last start, about {} request ids "
                            + "answered (state dir {})", read.get(), opened.estimatedSize(), opened.dir());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException | RocksDBException e) {
            log.warn("reply index stopped ({}); replayed requests will be answered again", e.toString());
        } finally {
            caughtUp.countDown(); // never leave the worker waiting on a dead index
            consumer.close(Duration.ofSeconds(5));
            if (opened != null) {
                opened.close(); // later lookups find nothing: replays are answered again, never lost
            }
        }
    }

    private Map<TopicPartition, Long> positions(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : partitions) {
            positions.put(tp, consumer.position(tp));
        }
        return positions;
    }

    /** The replies and the positions after them, in one batch: a crash keeps both or neither. */
    private void write(AnsweredRequests into, ConsumerRecords<byte[], Void> records,
                       Map<TopicPartition, Long> positions) throws RocksDBException {
        try (AnsweredRequests.Batch batch = new AnsweredRequests.Batch()) {
            for (ConsumerRecord<byte[], Void> r : records) {
                if (r.key() != null) {
                    batch.answered(r.key(), r.timestamp());
                }
            }
            for (Map.Entry<TopicPartition, Long> p : positions.entrySet()) {
                batch.position(p.getKey().partition(), p.getValue());
            }
            into.write(batch);
        }
        read.addAndGet(records.count());
    }

    /** Waits until the replies that existed at start are read; false if that took longer than {@code timeout}. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean contains(String requestId) {
        AnsweredRequests s = store;
        if (s == null) {
            return false;
        }
        try {
            return s.contains(requestId, System.currentTimeMillis());
        } catch (RocksDBException e) {
            if (lookupFailed.compareAndSet(false, true)) {
                log.warn("reply index lookup failed ({}); such requests are answered again", e.getMessage());
            }
            return false;
        }
    }

    /** Remembers replies this worker just committed, before the background reader gets to them. */
    void add(String requestId) {
        AnsweredRequests s = store;
        if (s != null) {
            s.add(requestId, System.currentTimeMillis());
        }
    }

    /** Reply records read from the topic since this index started (the cost of its start). */
    long recordsRead() {
        return read.get();
    }

    @Override
    public void close() {
        follower.close();
    }
}
