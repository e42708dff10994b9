package dev.sycostream.worker;

import dev.sycostream.worker.backend.BackendException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A worker's own Prometheus metrics (its {@code /metrics}): requests in flight and waiting, model call latency per
 * attempt, retries, model errors by HTTP status, and the committed outcomes (replies, error replies, dead letters,
 * skipped replays). One registry per worker, so two workers in one JVM (the tests) do not mix their numbers.
 */
public final class WorkerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter retries;
    private final Timer okLatency;
    private final Timer errorLatency;

    WorkerMetrics(String workerId) {
        registry.config().commonTags(Tags.of("worker", workerId));
        retries = Counter.builder("sycostream.worker.retries")
                .description("Model calls tried again after a transient failure").register(registry);
        okLatency = latency("ok");
        errorLatency = latency("error");
    }

    private Timer latency(String outcome) {
        return Timer.builder("sycostream.worker.model.latency").description("Time of one model call attempt")
                .tag("outcome", outcome).publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Binds the gauges and counters that read the worker's own state. */
    void bind(ModelWorker worker, InFlightWindow window) {
        Gauge.builder("sycostream.worker.in.flight", window, InFlightWindow::inFlight)
                .description("Requests at the model now, retries waiting included").register(registry);
        Gauge.builder("sycostream.worker.backlog", window, InFlightWindow::backlogSize)
                .description("Requests read and waiting for a place in the window").register(registry);
        outcome(worker, "replied", w -> w.processed() - w.failedReplies() - w.deadLettered() - w.skipped());
        outcome(worker, "error_reply", ModelWorker::failedReplies);
        outcome(worker, "dead_lettered", ModelWorker::deadLettered);
        outcome(worker, "skipped", ModelWorker::skipped);
        FunctionCounter.builder("sycostream.worker.model.calls", worker, ModelWorker::modelCalls)
                .description("Attempts sent to backends, retries included").register(registry);
        FunctionCounter.builder("sycostream.worker.aborted.transactions", worker, ModelWorker::abortedBatches)
                .description("Transactions aborted and retried").register(registry);
        Gauge.builder("sycostream.worker.running", worker, w -> w.isRunning() ? 1 : 0)
                .description("1 while the worker's loop runs").register(registry);
    }

    private void outcome(ModelWorker worker, String outcome, ToDoubleFunction<ModelWorker> count) {
        FunctionCounter.builder("sycostream.worker.records", worker, count)
                .description("Records handled in committed transactions, by outcome").tag("outcome", outcome)
                .register(registry);
    }

    /** One attempt answered. */
    void answered(long nanos) {
        okLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One attempt failed; {@code retrying} when another attempt follows. */
    void failed(long nanos, BackendException error, boolean retrying) {
        errorLatency.record(nanos, TimeUnit.NANOSECONDS);
        Counter.builder("sycostream.worker.model.errors").description("Failed model call attempts")
                .tag("status", error.httpStatus().map(String::valueOf).orElse("none"))
                .tag("transient", Boolean.toString(error.isTransient()))
                .register(registry).increment();
        if (retrying) {
            retries.increment();
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
