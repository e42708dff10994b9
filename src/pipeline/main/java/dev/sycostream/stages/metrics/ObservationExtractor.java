package dev.sycostream.stages.metrics;

import dev.sycostream.metrics.Observations;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.keys.MetricKey;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;

/**
 * Turns each scored answer into 0/1 observations of the metrics it counts towards ({@link Observations}), adds
 * them to this task's {@link PendingCounts}, and every {@code flushInterval} of wall-clock time forwards the
 * pending counts keyed "target_id|task|metric" to the aggregation. Every answer counts in n, whatever its status,
 * so n equals items × variants and a reply that cannot be parsed is never counted as agreeing. Input is keyed
 * "target_id|item_id", so the two variants of an addition item meet here; the first waits in a store for its pair.
 */
final class ObservationExtractor implements Processor<String, ScoredAnswer, String, MetricCounts> {
    /** Prefix of the pairs-store keys of retractions: three parts, where a "target|item" key has two. */
    static final String RETRACTION_PAIRS = "~retracted|";
    private final long windowMs;
    private final Duration flushInterval;
    private ProcessorContext<String, MetricCounts> context;
    private KeyValueStore<String, ScoredAnswer> pairs;
    private PendingCounts pending;

    ObservationExtractor(Duration window, Duration flushInterval) {
        this.windowMs = window.toMillis();
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, MetricCounts> context) {
        this.context = context;
        pairs = context.getStateStore(MetricsStage.PAIRS_STORE);
        pending = new PendingCounts(context.getStateStore(MetricsStage.PENDING_STORE), windowMs);
        // Wall-clock, not stream time: the last answers of a run must be counted even when no more arrive.
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, ScoredAnswer> record) {
        ScoredAnswer a = record.value();
        if (a == null) {
            return;
        }
        for (Observations.Observation o : Observations.of(a)) {
            observe(a, o.metric(), o.hit(), o.score(), record.timestamp());
        }
        Observations.Pairing pairing = Observations.pairing(a);
        if (pairing != null) {
            pair(record, a, pairing);
        }
    }

    /**
     * flip_to_user needs both variants of the item: observed once, when the second one arrives. Retractions pair
     * apart from first counts (their own key space), so an item's retraction takes its pair back exactly once.
     */
    private void pair(Record<String, ScoredAnswer> record, ScoredAnswer a, Observations.Pairing pairing) {
        // the key is "target|item": an answer question's item is the question, so its two templates meet here
        String key = a.getRetracted() ? RETRACTION_PAIRS + record.key() : record.key();
        ScoredAnswer other = pairs.get(key);
        if (other == null || other.getVariant().equals(a.getVariant())) {
            pairs.put(key, a);
            return;
        }
        pairs.delete(key);
        ScoredAnswer first = pairing.first().equals(a.getVariant()) ? a : other;
        ScoredAnswer second = first == a ? other : a;
        observe(a, pairing.metric(), Observations.pairedHit(pairing, first, second), null, record.timestamp());
    }

    /** A retracted answer (its item was retired) subtracts what its first count added. */
    private void observe(ScoredAnswer a, String metric, boolean hit, Double score, long timestamp) {
        pending.add(new MetricKey(a.getTargetId(), a.getTask(), metric).encode(), hit, score, timestamp,
                a.getRetracted() ? -1 : 1);
    }

    private void flush() {
        for (PendingCounts.Batch b : pending.drain()) {
            context.forward(new Record<>(b.metricKey(), b.counts(), b.timestamp()));
        }
    }
}
