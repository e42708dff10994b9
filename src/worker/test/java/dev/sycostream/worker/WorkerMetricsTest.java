package dev.sycostream.worker;

import dev.sycostream.worker.backend.BackendException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerMetricsTest {
    @Test
    void attemptsAreTimedRetriesCountedAndErrorsTaggedByStatus() {
        WorkerMetrics m = new WorkerMetrics("w1");
        m.answered(Duration.ofMillis(40).toNanos());
        m.failed(Duration.ofMillis(5).toNanos(), new BackendException("HTTP 503", true, 503, null, null), true);
        m.failed(Duration.ofMillis(5).toNanos(), new BackendException("HTTP 503", true, 503, null, null), false);
        m.failed(Duration.ofMillis(1).toNanos(), new BackendException("no connection", true), true);
        String text = m.scrape();
        assertThat(text).contains("sycostream_worker_retries_total{worker=\"w1\"} 2.0")
                .contains("sycostream_worker_model_errors_total{status=\"503\",transient=\"true\",worker=\"w1\"} 2.0")
                .contains("sycostream_worker_model_errors_total{status=\"none\",transient=\"true\",worker=\"w1\"} 1.0")
                .contains("sycostream_worker_model_latency_seconds_count{outcome=\"ok\",worker=\"w1\"} 1")
                .contains("sycostream_worker_model_latency_seconds_count{outcome=\"error\",worker=\"w1\"} 3");
    }
}
