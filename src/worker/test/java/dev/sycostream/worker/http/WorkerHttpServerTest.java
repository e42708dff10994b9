package dev.sycostream.worker.http;

import dev.sycostream.topics.Topics;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.ModelWorker;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's {@code /metrics} and health paths, over real HTTP, for a worker that is never connected to a broker
 * (its clients are created lazily-connecting against a closed port): not ready before it starts nor after it stops.
 */
class WorkerHttpServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(WorkerHttpServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesItsOwnMetricsAndHealth() throws Exception {
        Topics topics = new Topics(Map.of("schema.registry.url", "mock://worker-http-test"));
        ModelWorker worker = new ModelWorker(Map.of("bootstrap.servers", "127.0.0.1:1"), topics, "w-http",
                new Backends());
        try (WorkerHttpServer server = WorkerHttpServer.start(worker, "127.0.0.1", 0)) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("sycostream_worker_in_flight{worker=\"w-http\"} 0.0",
                    "sycostream_worker_model_calls_total{worker=\"w-http\"} 0.0",
                    "sycostream_worker_records_total{outcome=\"error_reply\",worker=\"w-http\"} 0.0",
                    "sycostream_worker_retries_total{worker=\"w-http\"} 0.0");
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> notStarted = get(server, "/health/ready");
            assertThat(notStarted.statusCode()).isEqualTo(503);
            assertThat(notStarted.body()).contains("\"status\":\"DOWN\"").contains("w-http not running");
            assertThat(get(server, "/health/readyx").statusCode()).isEqualTo(404);
            worker.close();
            assertThat(get(server, "/health/ready").statusCode()).as("closed").isEqualTo(503);
        } finally {
            worker.close();
        }
    }
}
