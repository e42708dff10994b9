package dev.sycostream.web;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.identity.Provenance;
import dev.sycostream.keys.ResultKey;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.metrics.ExpectedCounts;

import java.util.List;
import java.util.Optional;

/**
 * What the dashboard and the REST APIs read. The production implementation, {@link StreamsDashboardData}, queries
 * the pipeline's state stores (interactive queries); tests give fixed data.
 */
public interface DashboardData {

    /** Every registered target (active or not), by id. */
    List<EvalTarget> targets();

    /** The latest result of every key of {@code sycostream.metrics.results}, cumulative and windowed. */
    List<MetricResult> results();

    /** The latest result of one key; by default found among {@link #results()}. */
    default Optional<MetricResult> result(ResultKey key) {
        return results().stream().filter(r -> key.equals(new ResultKey(r.getTargetId(), r.getTask(), r.getMetric(),
                r.getWindow()))).findFirst();
    }

    /**
     * The cumulative usage of every target × task (requests, tokens, cost): the usage stage's store. Empty by default,
     * for implementations that have none.
     */
    default List<UsageResult> usage() {
        return List.of();
    }

    /** The n each metric must reach for the dataset items stored so far, if the items are known here. */
    Optional<ExpectedCounts> expected();

    /** Per task, the dataset files (by SHA-256) and generators behind its stored items; empty if not known here. */
    default List<Provenance.TaskSource> datasets() {
        return List.of();
    }

    /** Thrown when the stores cannot be queried yet (starting, rebalancing); the APIs answer 503 with its message. */
    final class NotReadyException extends RuntimeException {
        public NotReadyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
