package dev.sycostream.worker;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>The parts: {@link WorkerClients} (clients and pools), {@link RequestIntake} (what a record read becomes),
 * {@link InFlightWindow} (the window, the backlog and retries), {@link ReplyFactory} (replies and dead letters),
 * {@link TransactionalCommitter} (the transactions), {@link Backpressure} (pausing the consumer) and
 * {@link RebalanceAndRewind} (rewinds and rebalances). This class owns the poll loop and the lifecycle.
 */
public final class ModelWorker implements Runnable, AutoCloseable {
    public static final String GROUP_ID = "sycostream-worker";
    public static final String STAGE = "worker";
    public static final int MAX_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    private static final Duration REPLY_INDEX_CATCH_UP = Duration.ofMinutes(2);
    /** Longest text kept in a reply; see {@link #capped}. */
    static final int MAX_REPLY_CHARS = ReplyFactory.MAX_REPLY_CHARS;

    private final String workerId;
    private final WorkerSettings settings;
    private final WorkerClients clients;
    private final RequestIntake intake;
    private final ReplyFactory replies;
    private final InFlightWindow window;
    private final UncommittedWork work;
    private final TransactionalCommitter committer;
    private final Backpressure backpressure;
    private final RebalanceAndRewind rebalanceAndRewind;
    private final WorkerMetrics metrics;

    // Loop-thread state.
    private boolean rewindRequested;
    private long lastFlushNanos = System.nanoTime();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean loopStarted = new AtomicBoolean(false);
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final WorkerCounters counters = new WorkerCounters();
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
        this.settings = settings;
        Deserializer<ModelRequest> requestDeserializer = topics.modelRequests().valueSerde().deserializer();
        this.clients = new WorkerClients(clientConfig, workerId, settings);
        this.replies = new ReplyFactory(workerId);
        this.metrics = new WorkerMetrics(workerId);
        this.window = new InFlightWindow(backends, settings, clients.blockingPool, clients.retryTimer, running,
                counters.modelCalls, metrics);
        this.work = new UncommittedWork(window);
        this.intake = new RequestIntake(workerId, requestDeserializer, work, window, replies, clients.replyIndex);
        this.committer = new TransactionalCommitter(clients, topics, work, counters);
        this.backpressure = new Backpressure(clients.consumer, settings.maxInFlight());
        this.rebalanceAndRewind = new RebalanceAndRewind(workerId, clients.consumer, work, backpressure,
                this::drainFinished, this::flush, running, failure);
        metrics.bind(this, window);
    }

    /** This worker's Prometheus metrics. */
    public WorkerMetrics metrics() {
        return metrics;
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
            clients.producer.initTransactions();
            awaitReplyIndex();
            clients.consumer.subscribe(List.of(Topics.MODEL_REQUESTS), rebalanceAndRewind);
            log.info("worker {} consuming {} as group {} (window {}, {} attempts{})", workerId, Topics.MODEL_REQUESTS,
                    GROUP_ID, settings.maxInFlight(), settings.maxAttempts(), settings.force() ? ", --force" : "");
            while (running.get()) {
                drainFinished();
                window.fill();
                if (System.nanoTime() - lastFlushNanos >= settings.flushInterval().toNanos() || window.inFlight() == 0) {
                    flush();
                }
                backpressure.apply(window.backlogSize(), work.tracked());
                ConsumerRecords<byte[], byte[]> records;
                if (backpressure.paused()) {
                    // Nothing to fetch: wait for an answer instead, and poll only to keep the group membership.
                    ModelCall call = window.pollFinished(BUSY_POLL.toMillis() * 4);
                    if (call != null) {
                        handleFinished(call);
                    }
                    records = clients.consumer.poll(Duration.ZERO);
                } else {
                    records = clients.consumer.poll(window.inFlight() > 0 || work.tracked() > 0 ? BUSY_POLL : IDLE_POLL);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (!intake.accept(record)) {
                        rewindRequested = true;
                    }
                }
                if (rewindRequested) {
                    rewindRequested = false;
                    rebalanceAndRewind.rewind();
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
            clients.close();
            loopDone.countDown();
            log.info("worker {} stopped after {} records ({} dead-lettered, {} error replies, {} already answered, "
                            + "{} aborted transactions, {} model calls)", workerId, counters.processed.get(),
                    counters.deadLettered.get(), counters.failedReplies.get(), counters.skipped.get(),
                    counters.aborted.get(), counters.modelCalls.get());
        }
    }

    private void awaitReplyIndex() throws InterruptedException {
        ReplyIndex replyIndex = clients.replyIndex;
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

    private void drainFinished() {
        window.drainFinished(this::handleFinished);
    }

    /** Loop thread: turns a finished call into the reply (and dead letter) its slot will commit. */
    private void handleFinished(ModelCall call) {
        if (!work.isCurrent(call.owner)) {
            return; // its partition was rewound or revoked since: the record will be read and answered again
        }
        replies.finish(call);
    }

    /**
     * Commits the finished prefix of every partition: replies, dead letters and next offsets in one transaction.
     * On a non-fatal failure everything uncommitted is dropped and read again (rewind).
     */
    private void flush() {
        lastFlushNanos = System.nanoTime();
        if (!committer.commitFinished()) {
            rewindRequested = true;
        }
    }

    /**
     * At most {@value #MAX_REPLY_CHARS} characters of a completion or error text: a reply must fit in one Kafka
     * record (1 MiB by default) or its transaction fails for good, and the scorer reads only the first letter.
     */
    static String capped(String text) {
        return ReplyFactory.capped(text);
    }

    /** Records fully handled (replied or dead-lettered) in committed transactions. */
    public long processed() {
        return counters.processed.get();
    }

    /** Records that were not readable requests, dead-lettered in committed transactions. */
    public long deadLettered() {
        return counters.deadLettered.get();
    }

    /** Replies committed with {@code error} set (each also has a dead letter). */
    public long failedReplies() {
        return counters.failedReplies.get();
    }

    /** Requests not sent because their id already had a reply (see {@link WorkerSettings#force()}). */
    public long skipped() {
        return counters.skipped.get();
    }

    /** Attempts sent to backends, retries included (duplicates after a rewind too). */
    public long modelCalls() {
        return counters.modelCalls.get();
    }

    /** Requests at the model right now. */
    public int inFlight() {
        return window.inFlight();
    }

    /** Transactions aborted and retried. */
    public long abortedBatches() {
        return counters.aborted.get();
    }

    /** Whether {@link #start()} or {@link #run()} has been called. */
    public boolean hasStarted() {
        return loopStarted.get();
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
            clients.consumer.wakeup(); // the only consumer method safe to call from another thread
            try {
                if (!loopDone.await(30, TimeUnit.SECONDS)) {
                    log.warn("worker {} did not stop within 30 s", workerId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            // Never started: nobody else owns the clients.
            clients.close();
            loopDone.countDown();
        }
    }
}
