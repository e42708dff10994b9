package dev.sycostream.worker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kafka clients and thread pools one {@link ModelWorker} owns: a read_committed consumer without auto-commit,
 * a transactional producer named after the worker id, the optional {@link ReplyIndex}, the pool that runs blocking
 * backends and the timer that fires retries. Built together and closed together.
 */
final class WorkerClients {
    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);

    final String workerId;
    final KafkaConsumer<byte[], byte[]> consumer;
    final KafkaProducer<byte[], byte[]> producer;
    /** Null with {@link WorkerSettings#force()}: every request is answered, replied before or not. */
    final ReplyIndex replyIndex;
    /** Runs blocking backends (the simulated model); network backends answer on the HTTP client's threads. */
    final ExecutorService blockingPool;
    /** Fires retries after their backoff without holding a thread per waiting request. */
    final ScheduledExecutorService retryTimer;

    WorkerClients(Map<String, Object> clientConfig, String workerId, WorkerSettings settings) {
        this.workerId = workerId;
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, ModelWorker.GROUP_ID);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-worker-" + workerId + "-consumer");
        // Only requests from committed transactions: the prompt stage writes them exactly once.
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed inside the producer's transaction, never by the consumer.
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One poll need not bring more than the window can take; the rest would only wait in the backlog.
        consumerConfig.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(settings.maxInFlight(), 16));
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sycostream-worker-" + workerId);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-worker-" + workerId + "-producer");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try {
            this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.replyIndex = settings.force() ? null
                : ReplyIndex.open(clientConfig, workerId, settings.replyIndexDir(workerId));
        AtomicInteger threads = new AtomicInteger();
        this.blockingPool = Executors.newFixedThreadPool(Math.min(settings.maxInFlight(), 16), r -> {
            Thread t = new Thread(r, "sycostream-worker-" + workerId + "-backend-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sycostream-worker-" + workerId + "-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops the pools and closes every client, logging (not throwing) what fails to close. */
    void close() {
        retryTimer.shutdownNow();
        blockingPool.shutdownNow();
        if (replyIndex != null) {
            replyIndex.close();
        }
        try {
            consumer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.warn("worker {}: closing the consumer failed: {}", workerId, e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.warn("worker {}: closing the producer failed: {}", workerId, e.toString());
        }
    }
}
