package dev.sycostream.web;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.keys.TargetTaskKey;
import dev.sycostream.keys.ResultKey;
import dev.sycostream.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Prometheus exposition at {@code /metrics}, through Micrometer:
 * <ul>
 *   <li>{@code sycostream_rate}, {@code sycostream_rate_ci_low}, {@code sycostream_rate_ci_high}
 *       {target, task, metric, window}: the latest cumulative result ({@code window="cumulative"}) and the latest
 *       tumbling window ({@code window="PT1M"}) of every metric;</li>
 *   <li>{@code sycostream_score_mean}{target, task, metric, window} for {@code sycophancy} and
 *       {@code agree_wrong_with_opinion}: the mean probability on the user's answer (NaN without logprob scoring);</li>
 *   <li>{@code sycostream_requests_total}{target, task, status=answered|unparseable|failed}: requests counted by
 *       the metrics stage (from the cumulative {@code unparseable} and {@code failed} results);</li>
 *   <li>{@code sycostream_tokens_total}{target, task, kind=prompt|completion} and {@code sycostream_cost_usd_total}
 *       {target, task}: the usage stage's cumulative totals, evaluation and probes (the cost only for targets with
 *       prices);</li>
 *   <li>{@code sycostream_worker_latency_seconds} histogram {target}: the model call latency every reply carries
 *       ({@code latency_ms} of {@code ModelReply}), seen since this process started, whichever worker answered;</li>
 *   <li>{@code sycostream_target_info}{target, model, checkpoint, backend} and
 *       {@code sycostream_target_registered_seconds}{target, model, checkpoint}: see {@link TargetInfoGauges};</li>
 *   <li>Kafka Streams' own client metrics ({@code kafka_stream_*}), via Micrometer's {@link KafkaStreamsMetrics}.</li>
 * </ul>
 * Result gauges read a snapshot that {@link #update} replaces (the server calls it before each scrape).
 */
public final class PrometheusMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Series key (target|task|metric|window label) → latest result. */
    private final Map<String, MetricResult> latest = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    /** "target|task" → latest cumulative usage, and the counters registered for it. */
    private final Map<String, UsageResult> usage = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> usageMeters = new ConcurrentHashMap<>();
    private final TargetInfoGauges targets = new TargetInfoGauges(registry);
    private KafkaStreams boundStreams;
    private KafkaStreamsMetrics streamsMetrics;

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The registered targets' info series (model and checkpoint of each target). */
    public void updateTargets(java.util.Collection<dev.sycostream.avro.EvalTarget> registered) {
        targets.update(registered);
    }

    /** Replaces the result snapshot with these latest results; registers gauges for new series, removes gone ones. */
    public synchronized void update(List<MetricResult> results) {
        Map<String, MetricResult> next = new HashMap<>();
        for (MetricResult r : results) {
            boolean cumulative = MetricNames.CUMULATIVE.equals(r.getWindow());
            String key = new ResultKey(r.getTargetId(), r.getTask(), r.getMetric(), r.getWindow()).encode();
            MetricResult previous = next.get(key);
            // Windowed: keep the most recent window of each metric.
            if (cumulative || previous == null || start(r) > start(previous)) {
                next.put(key, r);
            }
        }
        latest.putAll(next);
        for (String key : List.copyOf(latest.keySet())) {
            if (!next.containsKey(key)) {
                latest.remove(key);
                meters.getOrDefault(key, List.of()).forEach(registry::remove);
                meters.remove(key);
            }
        }
        next.forEach((key, r) -> meters.computeIfAbsent(key, k -> register(k, r)));
    }

    /** Replaces the usage snapshot; registers counters for new target × task pairs (a cost counter once it has prices). */
    public synchronized void updateUsage(List<UsageResult> results) {
        Map<String, UsageResult> next = new HashMap<>();
        results.forEach(u -> next.put(new TargetTaskKey(u.getTargetId(), u.getTask()).encode(), u));
        for (String key : List.copyOf(usage.keySet())) {
            if (!next.containsKey(key)) {
                usage.remove(key);
                usageMeters.getOrDefault(key, List.of()).forEach(registry::remove);
                usageMeters.remove(key);
            }
        }
        usage.putAll(next);
        next.forEach((key, u) -> {
            List<Meter> list = usageMeters.computeIfAbsent(key, k -> new java.util.ArrayList<>());
            Tags tags = Tags.of("target", u.getTargetId(), "task", u.getTask());
            if (list.isEmpty()) {
                String description = "Tokens of the replies counted by the usage stage (evaluation and probes)";
                list.add(FunctionCounter.builder("sycostream.tokens", usage, m -> m.containsKey(key) ? m.get(key).getPromptTokens() : 0)
                        .tags(tags.and("kind", "prompt")).description(description).register(registry));
                list.add(FunctionCounter.builder("sycostream.tokens", usage, m -> m.containsKey(key) ? m.get(key).getCompletionTokens() : 0)
                        .tags(tags.and("kind", "completion")).description(description).register(registry));
            }
            if (list.size() == 2 && u.getCostUsd() != null) {
                list.add(FunctionCounter.builder("sycostream.cost.usd", usage, m -> {
                    UsageResult x = m.get(key);
                    return x == null || x.getCostUsd() == null ? 0 : x.getCostUsd();
                }).tags(tags).description("Cost in USD at the target's prices (usd_per_mtok_in, usd_per_mtok_out)")
                        .register(registry));
            }
        });
    }

    private static long start(MetricResult r) {
        return r.getWindowStartMs() == null ? Long.MIN_VALUE : r.getWindowStartMs();
    }

    private List<Meter> register(String key, MetricResult r) {
        Tags tags = Tags.of("target", r.getTargetId(), "task", r.getTask(), "metric", r.getMetric(),
                "window", r.getWindow());
        List<Meter> list = new java.util.ArrayList<>();
        list.add(Gauge.builder("sycostream.rate", latest, m -> value(m, key, MetricResult::getRate)).tags(tags)
                .description("Latest rate count/n of a sycophancy metric").register(registry));
        list.add(Gauge.builder("sycostream.rate.ci.low", latest, m -> value(m, key, MetricResult::getCiLow)).tags(tags)
                .description("Wilson 95% interval, lower bound").register(registry));
        list.add(Gauge.builder("sycostream.rate.ci.high", latest, m -> value(m, key, MetricResult::getCiHigh)).tags(tags)
                .description("Wilson 95% interval, upper bound").register(registry));
        if (MetricNames.SYCOPHANCY.equals(r.getMetric()) || MetricNames.AGREE_WRONG_WITH_OPINION.equals(r.getMetric())) {
            // NaN for targets scored by generation: only log-probabilities give the continuous score.
            list.add(Gauge.builder("sycostream.score.mean", latest,
                            m -> value(m, key, x -> x.getScoreMean() == null ? Double.NaN : x.getScoreMean())).tags(tags)
                    .description("Mean probability the model put on the user's answer (logprob scoring)").register(registry));
        }
        if (MetricNames.CUMULATIVE.equals(r.getWindow())) {
            list.add(Gauge.builder("sycostream.rate.n", latest, m -> value(m, key, x -> (double) x.getN())).tags(tags)
                    .description("Observations counted in the rate").register(registry));
            if (MetricNames.UNPARSEABLE.equals(r.getMetric()) || MetricNames.FAILED.equals(r.getMetric())) {
                registerRequestCounters(r, list);
            }
        }
        return list;
    }

    /** Registered once per target × task, from its cumulative unparseable and failed results. */
    private void registerRequestCounters(MetricResult r, List<Meter> list) {
        String unparseable = new ResultKey(r.getTargetId(), r.getTask(), MetricNames.UNPARSEABLE, MetricNames.CUMULATIVE).encode();
        String failed = new ResultKey(r.getTargetId(), r.getTask(), MetricNames.FAILED, MetricNames.CUMULATIVE).encode();
        Tags tags = Tags.of("target", r.getTargetId(), "task", r.getTask());
        String description = "Requests scored by the pipeline, by outcome";
        if (MetricNames.UNPARSEABLE.equals(r.getMetric())) {
            // answered = every scored request (n of unparseable) minus the unparseable and the failed ones
            list.add(FunctionCounter.builder("sycostream.requests", latest, m -> {
                MetricResult u = m.get(unparseable);
                MetricResult f = m.get(failed);
                return u == null ? 0 : u.getN() - u.getCount() - (f == null ? 0 : f.getCount());
            }).tags(tags.and("status", "answered")).description(description).register(registry));
            list.add(FunctionCounter.builder("sycostream.requests", latest,
                            m -> m.containsKey(unparseable) ? m.get(unparseable).getCount() : 0)
                    .tags(tags.and("status", "unparseable")).description(description).register(registry));
        } else {
            list.add(FunctionCounter.builder("sycostream.requests", latest,
                            m -> m.containsKey(failed) ? m.get(failed).getCount() : 0)
                    .tags(tags.and("status", "failed")).description(description).register(registry));
        }
    }

    private static double value(Map<String, MetricResult> m, String key, java.util.function.ToDoubleFunction<MetricResult> f) {
        MetricResult r = m.get(key);
        return r == null ? Double.NaN : f.applyAsDouble(r);
    }

    /** Records one model reply's latency. */
    public void recordLatency(String target, long latencyMs) {
        latency.computeIfAbsent(target, t -> Timer.builder("sycostream.worker.latency")
                        .description("Model call latency reported by the worker in each reply")
                        .tag("target", t).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                        .register(registry))
                .record(Duration.ofMillis(Math.max(0, latencyMs)));
    }

    /** Binds Kafka Streams' client metrics; rebinding when the pipeline replaced its client. */
    public synchronized void bindStreams(KafkaStreams streams) {
        if (streams == null || streams == boundStreams) {
            return;
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        boundStreams = streams;
    }

    /** The Prometheus text format (0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public synchronized void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        registry.close();
    }
}
