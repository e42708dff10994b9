package dev.sycostream.worker;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.registry.SchemaRegistryException;
import dev.sycostream.topics.Topics;
import dev.sycostream.worker.PartitionProgress.Outcome;
import dev.sycostream.worker.PartitionProgress.Slot;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers {@code sycostream.model.requests} into {@code sycostream.model.replies}, exactly once, with many model
 * calls in flight.
 *
 * <h2>Window and backpressure</h2>
 * Up to {@link WorkerSettings#maxInFlight()} requests are at the model at once (asynchronous calls; a request
 * waiting for its retry keeps its place). Records read beyond that wait in a backlog; a call that finishes starts
 * the next one itself, so the model stays busy while the loop thread commits. While a whole window waits in the
 * backlog, or four windows are read but not committed, the consumer is paused: it keeps its group membership but
 * fetches nothing until answers come back.
 *
 * <h2>Exactly once</h2>
 * Answers finish in any order; {@link PartitionProgress} holds them until every earlier record of their partition
 * is finished. Every {@link WorkerSettings#flushInterval()} the finished prefixes go out in one Kafka transaction:
 * their replies and dead letters, and the offsets after them ({@code sendOffsetsToTransaction}). So a reply is
 * published only together with its offset; a crash makes the next worker re-send at most what was read and not
 * committed (bounded by four windows), and publishes none of it twice to read_committed readers. When a
 * transaction fails it is aborted, everything not committed is forgotten (answers still in flight are ignored
 * when they arrive) and the consumer is rewound to the committed offsets. Fencing stops this worker. On a
 * rebalance, finished work is committed before the partitions go, and the rest is left to the new owner.
 *
 * <h2>Every record is accounted for</h2>
 * <ul>
 *   <li>a request gets a reply with {@code text} (and the per-choice log-probabilities for logprob scoring);</li>
 *   <li>a request the backend fails (permanently, or transiently {@link WorkerSettings#maxAttempts()} times with
 *       exponential backoff, jitter and the server's {@code Retry-After}) gets a reply with {@code error}, which
 *       the metrics count as {@code failed}, and a dead letter with the reason and HTTP status;</li>
 *   <li>a record that does not deserialize as a ModelRequest is dead-lettered (stage {@value #STAGE}) with its
 *       original bytes;</li>
 *   <li>a request whose id already has a reply in the replies topic is not sent again (unless
 *       {@link WorkerSettings#force()}): its offset is committed with nothing written.</li>
 * </ul>
 *
 * <p>Scale out by running several workers with distinct ids in the group {@value #GROUP_ID}; each partition of
 * the requests topic is answered by one of them.
 */
public final class ModelWorker implements Runnable, AutoCloseable {
    public static final String GROUP_ID = "sycostream-worker";
    public static final String STAGE = "worker";
    public static final int MAX_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    /** Pause after an aborted transaction, so a broker or registry outage is not hammered in a tight loop. */
    private static final long ABORT_BACKOFF_MS = 500;
    private static final Duration REPLY_INDEX_CATCH_UP = Duration.ofMinutes(2);
    /** Longest text kept in a reply; see {@link #capped}. */
    static final int MAX_REPLY_CHARS = 64 * 1024;

    private final String workerId;
    private final Backends backends;
    private final WorkerSettings settings;
    private final RetryPolicy retryPolicy;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ReplyIndex replyIndex;
    private final Deserializer<ModelRequest> requestDeserializer;
    private final Serializer<ModelReply> replySerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;
    /** Runs blocking backends (the simulated model); network backends answer on the HTTP client's threads. */
    private final ExecutorService blockingPool;
    /** Fires retries after their backoff without holding a thread per waiting request. */
    private final ScheduledExecutorService retryTimer;

    // Loop-thread state.
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    /**
     * Requests read and waiting for a place in the window. Shared with the backend threads: a call that finishes
     * starts the next one itself, so the model is kept busy while the loop thread is blocked in a commit.
     */
    private final ConcurrentLinkedDeque<Job> backlog = new ConcurrentLinkedDeque<>();
    private int tracked;
    private boolean paused;
    private boolean rewindRequested;
    private long lastFlushNanos = System.nanoTime();

    /** Answers (or final failures) handed from backend threads to the loop thread. */
    private final LinkedBlockingQueue<Job> finished = new LinkedBlockingQueue<>();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean loopStarted = new AtomicBoolean(false);
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong failedReplies = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong modelCalls = new AtomicLong();
    /** Requests at the model (or waiting for a retry): the window. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** A worker with {@link WorkerSettings#defaults()}. */
    public ModelWorker(Map<String, Object> clientConfig, Topics topics, String workerId, Backends backends) {
        this(clientConfig, topics, workerId, backends, WorkerSettings.defaults());
    }

    /**
     * @param clientConfig bootstrap servers and security settings shared by every client
     * @param workerId     stable id of this worker; it names the transactional id, so a restarted worker with
     *                     the same id fences its previous incarnation
     */
    public ModelWorker(Map<String, Object> clientConfig, Topics topics, String workerId, Backends backends,
                       WorkerSettings settings) {
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("a worker needs a non-blank id (it names its transactional id)");
        }
        this.workerId = workerId;
        this.backends = backends;
        this.settings = settings;
        this.retryPolicy = new RetryPolicy(settings.retryBackoff(), settings.maxRetryBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
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
        this.replyIndex = settings.force() ? null : new ReplyIndex(clientConfig, workerId);
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
            awaitReplyIndex();
            consumer.subscribe(List.of(Topics.MODEL_REQUESTS), new Rebalance());
            log.info("worker {} consuming {} as group {} (window {}, {} attempts{})", workerId, Topics.MODEL_REQUESTS,
                    GROUP_ID, settings.maxInFlight(), settings.maxAttempts(), settings.force() ? ", --force" : "");
            while (running.get()) {
                drainFinished();
                fillWindow();
                if (System.nanoTime() - lastFlushNanos >= settings.flushInterval().toNanos() || inFlight.get() == 0) {
                    flush();
                }
                applyBackpressure();
                ConsumerRecords<byte[], byte[]> records;
                if (paused) {
                    // Nothing to fetch: wait for an answer instead, and poll only to keep the group membership.
                    Job job = finished.poll(BUSY_POLL.toMillis() * 4, TimeUnit.MILLISECONDS);
                    if (job != null) {
                        handleFinished(job);
                    }
                    records = consumer.poll(Duration.ZERO);
                } else {
                    records = consumer.poll(inFlight.get() > 0 || tracked > 0 ? BUSY_POLL : IDLE_POLL);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record);
                }
                if (rewindRequested) {
                    rewind();
                }
            }
            finishOnStop();
        } catch (WakeupException e) {
            if (running.get()) {
                failure.compareAndSet(null, e);
                log.error("worker {} woken up unexpectedly; stopping", workerId);
            } else {
                finishOnStop();
            }
        } catch (ProducerFencedException e) {
            failure.compareAndSet(null, e);
            log.error("worker {} stopped: fenced by a newer worker with transactional id sycostream-worker-{} ({})",
                    workerId, workerId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            log.error("worker {} stopped by an unrecoverable error: {}", workerId, e.toString(), e);
        } finally {
            running.set(false);
            closeClients();
            loopDone.countDown();
            log.info("worker {} stopped after {} records ({} dead-lettered, {} error replies, {} already answered, "
                            + "{} aborted transactions, {} model calls)", workerId, processed.get(), deadLettered.get(),
                    failedReplies.get(), skipped.get(), aborted.get(), modelCalls.get());
        }
    }

    private void awaitReplyIndex() throws InterruptedException {
        if (replyIndex == null) {
            return;
        }
        replyIndex.start();
        long deadline = System.nanoTime() + REPLY_INDEX_CATCH_UP.toNanos();
        boolean caughtUp = false;
        // In short steps, so a close() during start-up does not wait for the whole catch-up.
        while (!caughtUp && running.get() && System.nanoTime() < deadline) {
            caughtUp = replyIndex.awaitCaughtUp(Duration.ofMillis(100));
        }
        if (!caughtUp && running.get()) {
            log.warn("worker {}: reply index not caught up after {}; replays may be answered again", workerId,
                    REPLY_INDEX_CATCH_UP);
        }
    }

    /** On close: commit what is already answered, so a restart does not pay for it again. */
    private void finishOnStop() {
        try {
            drainFinished();
            flush();
        } catch (ProducerFencedException e) {
            failure.compareAndSet(null, e);
        } catch (RuntimeException e) {
            log.warn("worker {}: final commit on stop failed, the next worker answers those requests: {}", workerId,
                    e.toString());
        }
    }

    /** A request on its way through the model, with where its answer must go. */
    private static final class Job {
        final PartitionProgress owner;
        final Slot slot;
        final ConsumerRecord<byte[], byte[]> record;
        final ModelRequest request;
        final long startNanos = System.nanoTime();
        int attempts;
        Completion completion;
        BackendException error;

        Job(PartitionProgress owner, Slot slot, ConsumerRecord<byte[], byte[]> record, ModelRequest request) {
            this.owner = owner;
            this.slot = slot;
            this.record = record;
            this.request = request;
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionProgress owner = progress.computeIfAbsent(tp, PartitionProgress::new);
        Slot slot = owner.track(record.offset());
        tracked++;
        ModelRequest request;
        try {
            request = requestDeserializer.deserialize(record.topic(), record.value());
        } catch (KafkaException e) {
            if (isInfrastructureFailure(e)) {
                // The registry is down or refusing us: not the record's fault. Start over from the committed
                // offsets later, rather than dead-lettering every good request during an outage.
                log.warn("worker {}: cannot deserialize requests ({}); retrying from the committed offsets", workerId,
                        DeadLetters.reasonOf(e));
                rewindRequested = true;
                return;
            }
            slot.finish(Outcome.DEAD_LETTERED, record.key(), null,
                    deadLetter(record, "cannot deserialize a ModelRequest: " + DeadLetters.reasonOf(e), e));
            return;
        }
        if (request == null) {
            slot.finish(Outcome.DEAD_LETTERED, record.key(), null,
                    deadLetter(record, "empty value: a model request was expected", null));
            return;
        }
        if (replyIndex != null && replyIndex.contains(request.getRequestId())) {
            slot.finish(Outcome.SKIPPED, record.key(), null, null);
            return;
        }
        backlog.addLast(new Job(owner, slot, record, request));
    }

    /** Starts backlog requests while the window has room; called by the loop and by every finished call. */
    private void fillWindow() {
        while (true) {
            int n = inFlight.get();
            if (n >= settings.maxInFlight()) {
                return;
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            Job job = backlog.pollFirst();
            if (job == null) {
                inFlight.decrementAndGet();
                return;
            }
            attempt(job);
        }
    }

    /** A job's last attempt is over: hand it to the loop thread and give its place to the next request. */
    private void done(Job job) {
        finished.add(job);
        inFlight.decrementAndGet();
        if (running.get()) {
            fillWindow();
        }
    }

    /** One attempt; runs on the loop thread first and on the retry timer after that. Never throws. */
    private void attempt(Job job) {
        job.attempts++;
        modelCalls.incrementAndGet();
        ModelBackend backend;
        try {
            backend = backends.forRequest(job.request);
            backend.submit(job.request, blockingPool).whenComplete((completion, error) -> onAttempt(job, completion, error));
        } catch (BackendException e) {
            onAttempt(job, null, e);
        } catch (RuntimeException e) {
            // A bug in a backend must not crash the worker into re-reading the same request forever.
            onAttempt(job, null, e);
        }
    }

    private void onAttempt(Job job, Completion completion, Throwable error) {
        if (error == null) {
            if (completion == null || completion.text() == null) {
                job.error = new BackendException("backend '" + job.request.getBackend() + "' returned no text");
            } else {
                job.completion = completion;
                job.error = null; // an earlier transient failure no longer matters
            }
            done(job);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        BackendException failure = cause instanceof BackendException b ? b
                : new BackendException("backend '" + job.request.getBackend() + "' failed: " + cause, false, cause);
        job.error = failure;
        if (failure.isTransient() && job.attempts < settings.maxAttempts() && running.get()) {
            Duration wait = retryPolicy.delayAfter(job.attempts, failure.retryAfter());
            log.debug("request {}: transient failure (attempt {}), retrying in {} ms: {}", job.request.getRequestId(),
                    job.attempts, wait.toMillis(), failure.getMessage());
            try {
                retryTimer.schedule(() -> attempt(job), wait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the worker is closing: give up with the last error
            }
        }
        done(job);
    }

    private void drainFinished() {
        Job job;
        while ((job = finished.poll()) != null) {
            handleFinished(job);
        }
    }

    /**
     * At most {@value #MAX_REPLY_CHARS} characters of a completion or error text: a reply must fit in one Kafka
     * record (1 MiB by default) or its transaction fails for good, and the scorer reads only the first letter.
     */
    static String capped(String text) {
        return text == null || text.length() <= MAX_REPLY_CHARS ? text : text.substring(0, MAX_REPLY_CHARS);
    }

    /** Loop thread: turns a finished job into the reply (and dead letter) its slot will commit. */
    private void handleFinished(Job job) {
        if (progress.get(job.owner.partition()) != job.owner) {
            return; // its partition was rewound or revoked since: the record will be read and answered again
        }
        BackendException error = job.error;
        String text = error == null ? capped(job.completion.text()) : null;
        ModelReply reply = ModelReply.newBuilder()
                .setRequestId(job.request.getRequestId())
                .setTargetId(job.request.getTargetId())
                .setText(text)
                .setError(error == null ? null : capped(error.getMessage()))
                .setWorkerId(workerId)
                .setAttempts(job.attempts)
                .setLatencyMs((System.nanoTime() - job.startNanos) / 1_000_000)
                .setRepliedAtMs(System.currentTimeMillis())
                .setChoiceLogprobs(error == null ? new HashMap<>(job.completion.choiceLogprobs()) : new HashMap<>())
                .setHttpStatus(error == null ? job.completion.httpStatus() : error.httpStatus().orElse(null))
                .build();
        byte[] key = job.request.getRequestId().getBytes(StandardCharsets.UTF_8);
        if (error == null) {
            job.slot.finish(Outcome.REPLIED, key, reply, null);
            return;
        }
        String reason = "target " + job.request.getTargetId() + ", request " + job.request.getRequestId() + ": "
                + error.getMessage() + " (" + job.attempts + " attempt" + (job.attempts == 1 ? "" : "s")
                + error.httpStatus().map(s -> ", last HTTP status " + s).orElse("") + ")";
        job.slot.finish(Outcome.ERROR_REPLY, key, reply, deadLetter(job.record, reason, error));
    }

    /**
     * Commits the finished prefix of every partition: replies, dead letters and next offsets in one transaction.
     * On a non-fatal failure everything uncommitted is dropped and read again (rewind).
     */
    private void flush() {
        lastFlushNanos = System.nanoTime();
        Map<PartitionProgress, List<Slot>> ready = new HashMap<>();
        for (PartitionProgress p : progress.values()) {
            List<Slot> prefix = p.finishedPrefix();
            if (!prefix.isEmpty()) {
                ready.put(p, prefix);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        producer.beginTransaction();
        try {
            for (Map.Entry<PartitionProgress, List<Slot>> e : ready.entrySet()) {
                for (Slot slot : e.getValue()) {
                    if (slot.reply != null) {
                        producer.send(new ProducerRecord<>(Topics.MODEL_REPLIES, slot.key,
                                replySerializer.serialize(Topics.MODEL_REPLIES, slot.reply)));
                    }
                    if (slot.deadLetter != null) {
                        producer.send(new ProducerRecord<>(Topics.DEADLETTER, slot.key,
                                deadLetterSerializer.serialize(Topics.DEADLETTER, slot.deadLetter)));
                    }
                }
                List<Slot> prefix = e.getValue();
                offsets.put(e.getKey().partition(), new OffsetAndMetadata(prefix.get(prefix.size() - 1).offset + 1));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | FencedInstanceIdException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException e) {
            // Fatal for this producer: it cannot even abort. Rethrown so the loop stops and says why.
            throw e;
        } catch (KafkaException e) {
            abort(e);
            rewindRequested = true;
            return;
        }
        for (Map.Entry<PartitionProgress, List<Slot>> e : ready.entrySet()) {
            e.getKey().dropCommitted(e.getValue().size());
            tracked -= e.getValue().size();
            for (Slot slot : e.getValue()) {
                count(slot);
            }
        }
    }

    private void count(Slot slot) {
        processed.incrementAndGet();
        switch (slot.outcome) {
            case DEAD_LETTERED -> deadLettered.incrementAndGet();
            case ERROR_REPLY -> failedReplies.incrementAndGet();
            case SKIPPED -> skipped.incrementAndGet();
            case REPLIED -> {
            }
        }
        if (replyIndex != null && slot.reply != null) {
            replyIndex.add(slot.reply.getRequestId());
        }
    }

    private void abort(KafkaException cause) {
        aborted.incrementAndGet();
        log.warn("worker {}: transaction aborted, will retry from the committed offsets: {}", workerId,
                DeadLetters.reasonOf(cause));
        producer.abortTransaction(); // a fatal error here (fencing) propagates and stops the loop
    }

    /** Pauses fetching while the window is full or too much is read and uncommitted; resumes when it drains. */
    private void applyBackpressure() {
        // Keep up to one window of requests ready to start, so finished calls always find a successor.
        boolean full = backlog.size() >= settings.maxInFlight() || tracked >= 4 * settings.maxInFlight();
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && (paused || !consumer.paused().isEmpty())) {
            // Also after a rebalance, which may leave kept partitions paused while the flag was reset.
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    /**
     * Forgets everything not committed (answers still in flight are ignored when they arrive) and moves the
     * consumer back to the committed offsets, so those records are read and answered again instead of skipped.
     */
    private void rewind() {
        rewindRequested = false;
        forget(progress.keySet());
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

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : List.copyOf(partitions)) {
            PartitionProgress p = progress.remove(tp);
            if (p != null) {
                tracked -= p.size();
            }
        }
        backlog.removeIf(job -> !progress.containsKey(job.owner.partition()) || progress.get(job.owner.partition()) != job.owner);
    }

    /** Commits finished work before partitions move to another worker; drops the rest (the new owner redoes it). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // While closing, the loop has already committed what it could (finishOnStop), and the producer may be
            // fenced: a flush here would fail and keep the consumer from leaving the group cleanly.
            if (running.get()) {
                drainFinished();
                try {
                    flush();
                } catch (ProducerFencedException e) {
                    failure.compareAndSet(null, e);
                    running.set(false);
                } catch (RuntimeException e) {
                    // flush() already aborted for non-fatal errors; the new owner answers what was not committed
                    log.warn("worker {}: commit before revocation failed: {}", workerId, e.toString());
                }
            }
            forget(partitions);
            paused = false; // pause state does not survive reassignment
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions); // another worker already owns them: committing would be rejected
            paused = false;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
        }
    }

    private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
        String source = DeadLetters.kafkaSource(record.topic(), record.partition(), record.offset());
        log.warn("dead-lettering {} ({}): {}", source, STAGE, reason);
        return DeadLetters.of(STAGE, source, reason, record.key(), record.value(), error, System.currentTimeMillis());
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

    /** Records fully handled (replied or dead-lettered) in committed transactions. */
    public long processed() {
        return processed.get();
    }

    /** Records that were not readable requests, dead-lettered in committed transactions. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Replies committed with {@code error} set (each also has a dead letter). */
    public long failedReplies() {
        return failedReplies.get();
    }

    /** Requests not sent because their id already had a reply (see {@link WorkerSettings#force()}). */
    public long skipped() {
        return skipped.get();
    }

    /** Attempts sent to backends, retries included (duplicates after a rewind too). */
    public long modelCalls() {
        return modelCalls.get();
    }

    /** Requests at the model right now. */
    public int inFlight() {
        return inFlight.get();
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
     * Stops the loop (committing what is already answered) and waits for it to close its clients (up to 30 s). Safe to
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
