package dev.sycostream.worker;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.errors.DeadLetters;
import dev.sycostream.registry.SchemaRegistryException;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers {@code sycostream.model.requests} into {@code sycostream.model.replies}, exactly once.
 *
 * <p>Each polled batch is one Kafka transaction: the replies, any dead letters and the consumed offsets are
 * committed together ({@code sendOffsetsToTransaction}), so a crash or restart neither loses a request nor
 * publishes a reply twice to read_committed readers. A record is always accounted for:
 * <ul>
 *   <li>a request that deserializes gets a reply, with {@code text} on success or {@code error} after the
 *       backend gave up (transient failures are retried {@value #MAX_ATTEMPTS} times first);</li>
 *   <li>a record that does not deserialize as a ModelRequest is dead-lettered (stage {@value #STAGE}) with its
 *       original bytes.</li>
 * </ul>
 * When the transaction fails (broker trouble, registry unreachable, rebalance), it is aborted and the consumer
 * is rewound to the group's committed offsets, so the batch is processed again. Fencing (another worker with
 * the same id took over) stops this worker.
 *
 * <p>Scale out by running several workers with distinct ids in the group {@value #GROUP_ID}; each partition of
 * the requests topic is answered by one of them.
 */
public final class ModelWorker implements Runnable, AutoCloseable {
    public static final String GROUP_ID = "sycostream-worker";
    public static final String STAGE = "worker";
    public static final int MAX_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final long RETRY_BACKOFF_MS = 50;
    /** Pause after an aborted transaction, so a broker or registry outage is not hammered in a tight loop. */
    private static final long ABORT_BACKOFF_MS = 500;

    private final String workerId;
    private final Backends backends;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Deserializer<ModelRequest> requestDeserializer;
    private final Serializer<ModelReply> replySerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean loopStarted = new AtomicBoolean(false);
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong failedReplies = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param clientConfig bootstrap servers and security settings shared by every client
     * @param workerId     stable id of this worker; it names the transactional id, so a restarted worker with
     *                     the same id fences its previous incarnation
     */
    public ModelWorker(Map<String, Object> clientConfig, Topics topics, String workerId, Backends backends) {
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("a worker needs a non-blank id (it names its transactional id)");
        }
        this.workerId = workerId;
        this.backends = backends;
        this.requestDeserializer = topics.modelRequests().valueSerde().deserializer();
        this.replySerializer = topics.modelReplies().valueSerde().serializer();
        this.deadLetterSerializer = topics.deadletter().valueSerde().serializer();

        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "sycostream-worker-" + workerId + "-consumer");
        // Only requests from committed transactions: the prompt stage writes them exactly once.
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed inside the producer's transaction, never by the consumer.
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A batch is one transaction; keep it small enough to finish well within the transaction timeout.
        consumerConfig.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
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
    }

    /** Runs the loop on a new non-daemon thread named {@code sycostream-worker-<id>}; returns this worker. */
    public ModelWorker start() {
        // Claimed here, not on the new thread, so a close() right after start() waits for the loop.
        claimLoop();
        Thread t = new Thread(this::loop, "sycostream-worker-" + workerId);
        t.setDaemon(false); // a worker keeps the JVM alive until it is closed
        t.start();
        return this;
    }

    /** Runs the loop on the calling thread until {@link #close()} or a fatal error. */
    @Override
    public void run() {
        claimLoop();
        loop();
    }

    private void claimLoop() {
        if (!loopStarted.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + workerId + " is already running or closed; create a new one");
        }
    }

    private void loop() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(Topics.MODEL_REQUESTS));
            log.info("worker {} consuming {} as group {}", workerId, Topics.MODEL_REQUESTS, GROUP_ID);
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    processBatch(records);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                failure.compareAndSet(null, e);
                log.error("worker {} woken up unexpectedly; stopping", workerId);
            }
        } catch (ProducerFencedException e) {
            failure.compareAndSet(null, e);
            log.error("worker {} stopped: fenced by a newer worker with transactional id sycostream-worker-{} ({})",
                    workerId, workerId, e.getMessage());
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            log.error("worker {} stopped by an unrecoverable error: {}", workerId, e.toString(), e);
        } finally {
            running.set(false);
            closeClients();
            loopDone.countDown();
            log.info("worker {} stopped after {} records ({} dead-lettered, {} error replies, {} aborted batches)",
                    workerId, processed.get(), deadLettered.get(), failedReplies.get(), aborted.get());
        }
    }

    /** One batch = one transaction: replies and dead letters plus the consumed offsets, or nothing. */
    private void processBatch(ConsumerRecords<byte[], byte[]> records) {
        producer.beginTransaction();
        long dead = 0;
        long errors = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Outcome outcome = process(record);
                if (outcome == Outcome.DEAD_LETTERED) {
                    dead++;
                } else if (outcome == Outcome.ERROR_REPLY) {
                    errors++;
                }
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | FencedInstanceIdException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException e) {
            // Fatal for this producer: it cannot even abort. Rethrown so the loop stops and says why.
            throw e;
        } catch (KafkaException e) {
            abortAndRewind(records.count(), e);
            return;
        }
        processed.addAndGet(records.count());
        deadLettered.addAndGet(dead);
        failedReplies.addAndGet(errors);
    }

    private enum Outcome { REPLIED, ERROR_REPLY, DEAD_LETTERED }

    private Outcome process(ConsumerRecord<byte[], byte[]> record) {
        ModelRequest request;
        try {
            request = requestDeserializer.deserialize(record.topic(), record.value());
        } catch (KafkaException e) {
            if (isInfrastructureFailure(e)) {
                // The registry is down or refusing us: not the record's fault. Fail the transaction so the batch
                // is retried, rather than dead-lettering every good request during an outage.
                throw e;
            }
            deadLetter(record, "cannot deserialize a ModelRequest: " + DeadLetters.reasonOf(e), e);
            return Outcome.DEAD_LETTERED;
        }
        if (request == null) {
            deadLetter(record, "empty value: a model request was expected", null);
            return Outcome.DEAD_LETTERED;
        }
        ModelReply reply = answer(request);
        byte[] key = request.getRequestId().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.MODEL_REPLIES, key,
                replySerializer.serialize(Topics.MODEL_REPLIES, reply)));
        return reply.getError() == null ? Outcome.REPLIED : Outcome.ERROR_REPLY;
    }

    /** Calls the backend, retrying transient failures; never throws (a failure becomes the reply's error). */
    private ModelReply answer(ModelRequest request) {
        long t0 = System.nanoTime();
        String text = null;
        String error = null;
        int attempts = 0;
        while (attempts < MAX_ATTEMPTS) {
            attempts++;
            try {
                text = backends.forRequest(request).complete(request);
                error = null; // an earlier transient failure no longer matters
                if (text == null) {
                    error = "backend '" + request.getBackend() + "' returned no text";
                }
                break;
            } catch (BackendException e) {
                error = e.getMessage();
                if (!e.isTransient() || attempts >= MAX_ATTEMPTS || !sleep(RETRY_BACKOFF_MS * attempts)) {
                    break;
                }
                log.debug("request {}: transient backend failure (attempt {}): {}", request.getRequestId(), attempts, error);
            } catch (RuntimeException e) {
                // A bug in a backend must not crash the worker into re-reading the same request forever.
                error = "backend '" + request.getBackend() + "' failed: " + e;
                break;
            }
        }
        if (error != null) {
            log.warn("request {} for target {} failed after {} attempt(s): {}", request.getRequestId(),
                    request.getTargetId(), attempts, error);
        }
        return ModelReply.newBuilder()
                .setRequestId(request.getRequestId())
                .setTargetId(request.getTargetId())
                .setText(error == null ? text : null)
                .setError(error)
                .setWorkerId(workerId)
                .setAttempts(attempts)
                .setLatencyMs((System.nanoTime() - t0) / 1_000_000)
                .setRepliedAtMs(System.currentTimeMillis())
                .build();
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
        String source = DeadLetters.kafkaSource(record.topic(), record.partition(), record.offset());
        log.warn("dead-lettering {} ({}): {}", source, STAGE, reason);
        DeadLetter letter = DeadLetters.of(STAGE, source, reason, record.key(), record.value(), error,
                System.currentTimeMillis());
        producer.send(new ProducerRecord<>(Topics.DEADLETTER, record.key(),
                deadLetterSerializer.serialize(Topics.DEADLETTER, letter)));
    }

    /** A registry that cannot be reached or answers with a server/auth error: retry later, don't blame the record. */
    private static boolean isInfrastructureFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException r) {
                return r.isUnreachable() || r.httpStatus() >= 500 || r.httpStatus() == 401 || r.httpStatus() == 403;
            }
        }
        return false;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /**
     * Aborts the open transaction and moves the consumer back to the last committed offsets, so the records of
     * the aborted batch are read and answered again instead of being skipped.
     */
    private void abortAndRewind(int batchSize, KafkaException cause) {
        aborted.incrementAndGet();
        log.warn("worker {}: transaction of {} records aborted, will retry from the committed offsets: {}",
                workerId, batchSize, DeadLetters.reasonOf(cause));
        producer.abortTransaction(); // a fatal error here (fencing) propagates and stops the loop
        Set<TopicPartition> assigned = consumer.assignment();
        if (!assigned.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    consumer.seek(partition, offset);
                } else {
                    consumer.seekToBeginning(List.of(partition)); // nothing committed yet: same as "earliest"
                }
            }
        }
        sleep(ABORT_BACKOFF_MS);
    }

    /** Sleeps unless the worker is stopping; false if it was interrupted or is stopping. */
    private boolean sleep(long ms) {
        if (!running.get()) {
            return false;
        }
        try {
            Thread.sleep(ms);
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        }
    }

    private void closeClients() {
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

    /** Records fully handled (replied or dead-lettered) in committed transactions. */
    public long processed() {
        return processed.get();
    }

    /** Records dead-lettered in committed transactions. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Replies committed with {@code error} set. */
    public long failedReplies() {
        return failedReplies.get();
    }

    /** Transactions aborted and retried. */
    public long abortedBatches() {
        return aborted.get();
    }

    /** Whether the loop has not stopped yet (true before it starts). */
    public boolean isRunning() {
        return running.get();
    }

    /** Why the loop stopped on its own (fencing, fatal error); empty while running or after {@link #close()}. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public String workerId() {
        return workerId;
    }

    /**
     * Stops the loop after the batch in progress and waits for it to close its clients (up to 30 s). Safe to
     * call from any thread, more than once, and before the loop was started.
     */
    @Override
    public void close() {
        running.set(false);
        if (!loopStarted.compareAndSet(false, true)) {
            consumer.wakeup(); // the only consumer method safe to call from another thread
            try {
                if (!loopDone.await(30, TimeUnit.SECONDS)) {
                    log.warn("worker {} did not stop within 30 s", workerId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            // Never started: nobody else owns the clients.
            closeClients();
            loopDone.countDown();
        }
    }
}
