package dev.sycostream.worker;

import dev.sycostream.topics.TopicReaders;
import dev.sycostream.topics.ConsumerThread;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The request ids that already have a committed reply, so a replayed request (a re-registered target, a
 * re-ingested item: request ids are deterministic) is not paid for twice at the model server.
 *
 * <p>Reads the keys of {@code sycostream.model.replies} (key = request_id, read_committed) from the beginning on a
 * background thread and keeps following it, so replies written by other workers of the group are seen too. A
 * request that races with another worker's reply may still be answered twice; the scoring stage counts only the
 * first reply per request id, so this saves model calls and never changes a metric.
 */
final class ReplyIndex implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplyIndex.class);

    /** Compact (16-byte digests), so a month of replies fits in a worker's heap; see {@link RequestIdSet}. */
    private final RequestIdSet ids = new RequestIdSet();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConsumerThread follower;
    private final CountDownLatch caughtUp = new CountDownLatch(1);

    ReplyIndex(Map<String, Object> clientConfig, String workerId) {
        // assigned partitions, no group: every worker reads them all
        this.consumer = TopicReaders.open(clientConfig, "sycostream-worker-" + workerId + "-reply-index", null,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.follower = new ConsumerThread(consumer, "sycostream-worker-" + workerId + "-reply-index", this::follow);
    }

    ReplyIndex start() {
        follower.start();
        return this;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODEL_REPLIES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (follower.running()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null) {
                        ids.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    log.info("reply index caught up: {} request ids already answered", ids.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            log.warn("reply index stopped ({}); replayed requests will be answered again", e.toString());
        } finally {
            caughtUp.countDown(); // never leave the worker waiting on a dead index
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Waits until the replies that existed at start are read; false if that took longer than {@code timeout}. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean contains(String requestId) {
        return ids.contains(requestId);
    }

    /** Remembers replies this worker just committed, before the background reader gets to them. */
    void add(String requestId) {
        ids.add(requestId);
    }

    int size() {
        return ids.size();
    }

    @Override
    public void close() {
        follower.close();
    }
}
