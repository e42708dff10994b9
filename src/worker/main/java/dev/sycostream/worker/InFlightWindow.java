package dev.sycostream.worker;

import dev.sycostream.worker.backend.Completion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Dispatches model calls: up to {@link WorkerSettings#maxInFlight()} requests are at the model at once (a request
 * waiting for its retry keeps its place), the rest wait in a backlog. Transient failures are retried with the
 * {@link RetryPolicy} on a timer, never holding a thread. A call whose last attempt is over is handed to the loop
 * thread ({@link #pollFinished}) and starts the next backlog request itself, so the model stays busy while the loop
 * thread is blocked in a commit.
 */
final class InFlightWindow {
    private static final Logger log = LoggerFactory.getLogger(ModelWorker.class);

    private final Backends backends;
    private final WorkerSettings settings;
    private final RetryPolicy retryPolicy;
    private final ExecutorService blockingPool;
    private final ScheduledExecutorService retryTimer;
    private final AtomicBoolean running;
    private final AtomicLong modelCalls;
    private final WorkerMetrics metrics;

    /** Requests read and waiting for a place in the window; shared with the backend threads. */
    private final ConcurrentLinkedDeque<ModelCall> backlog = new ConcurrentLinkedDeque<>();
    /** Answers (or final failures) handed from backend threads to the loop thread. */
    private final LinkedBlockingQueue<ModelCall> finished = new LinkedBlockingQueue<>();
    /** Requests at the model (or waiting for a retry): the window. */
    private final AtomicInteger inFlight = new AtomicInteger();

    InFlightWindow(Backends backends, WorkerSettings settings, ExecutorService blockingPool,
                   ScheduledExecutorService retryTimer, AtomicBoolean running, AtomicLong modelCalls,
                   WorkerMetrics metrics) {
        this.metrics = metrics;
        this.backends = backends;
        this.settings = settings;
        this.retryPolicy = new RetryPolicy(settings.retryBackoff(), settings.maxRetryBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.blockingPool = blockingPool;
        this.retryTimer = retryTimer;
        this.running = running;
        this.modelCalls = modelCalls;
    }

    /** Queues a request behind the ones already waiting; {@link #fill()} starts it when there is room. */
    void enqueue(ModelCall call) {
        backlog.addLast(call);
    }

    /** Requests waiting for a place in the window. */
    int backlogSize() {
        return backlog.size();
    }

    /** Requests at the model right now (retries waiting included). */
    int inFlight() {
        return inFlight.get();
    }

    /** Drops waiting requests whose work was thrown away (rewind, revocation). */
    void dropWaiting(Predicate<ModelCall> stale) {
        backlog.removeIf(stale);
    }

    /** Loop thread: hands every finished call to {@code handler}, without waiting. */
    void drainFinished(Consumer<ModelCall> handler) {
        ModelCall call;
        while ((call = finished.poll()) != null) {
            handler.accept(call);
        }
    }

    /** Loop thread: waits up to {@code timeoutMs} for one finished call; null if none came. */
    ModelCall pollFinished(long timeoutMs) throws InterruptedException {
        return finished.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Starts backlog requests while the window has room; called by the loop and by every finished call. */
    void fill() {
        while (true) {
            int n = inFlight.get();
            if (n >= settings.maxInFlight()) {
                return;
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            ModelCall call = backlog.pollFirst();
            if (call == null) {
                inFlight.decrementAndGet();
                return;
            }
            attempt(call);
        }
    }

    /** A call's last attempt is over: hand it to the loop thread and give its place to the next request. */
    private void done(ModelCall call) {
        finished.add(call);
        inFlight.decrementAndGet();
        if (running.get()) {
            fill();
        }
    }

    /** One attempt; runs on the loop thread first and on the retry timer after that. Never throws. */
    private void attempt(ModelCall call) {
        call.attempts++;
        call.attemptStartNanos = System.nanoTime();
        modelCalls.incrementAndGet();
        ModelBackend backend;
        try {
            backend = backends.forRequest(call.request);
            backend.submit(call.request, blockingPool)
                    .whenComplete((completion, error) -> onAttempt(call, completion, error));
        } catch (BackendException e) {
            onAttempt(call, null, e);
        } catch (RuntimeException e) {
            // A bug in a backend must not crash the worker into re-reading the same request forever.
            onAttempt(call, null, e);
        }
    }

    private void onAttempt(ModelCall call, Completion completion, Throwable error) {
        long attemptNanos = System.nanoTime() - call.attemptStartNanos;
        if (error == null) {
            metrics.answered(attemptNanos);
            if (completion == null || completion.text() == null) {
                call.error = new BackendException("backend '" + call.request.getBackend() + "' returned no text");
            } else {
                call.completion = completion;
                call.error = null; // an earlier transient failure no longer matters
            }
            done(call);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        // Backends fail with the base type; the worker keeps its own name for it (as dead letters always said).
        BackendException failure = cause instanceof dev.sycostream.worker.backend.BackendException b
                ? BackendException.from(b)
                : new BackendException("backend '" + call.request.getBackend() + "' failed: " + cause, false, cause);
        call.error = failure;
        boolean retrying = failure.isTransient() && call.attempts < settings.maxAttempts() && running.get();
        metrics.failed(attemptNanos, failure, retrying);
        if (retrying) {
            Duration wait = retryPolicy.delayAfter(call.attempts, failure.retryAfter());
            log.debug("request {}: transient failure (attempt {}), retrying in {} ms: {}",
                    call.request.getRequestId(), call.attempts, wait.toMillis(), failure.getMessage());
            try {
                retryTimer.schedule(() -> attempt(call), wait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException stopping) {
                // the worker is closing: give up with the last error
            }
        }
        done(call);
    }
}
