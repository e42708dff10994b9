package dev.sycostream.web;

import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health/live} and {@code /health/ready}: 200 or 503 with the reason, served without the dashboard token. */
class HealthEndpointsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private DashboardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        metrics.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAnswerTheHealthChecksVerdictWithoutTheTokenOtherPathsStillNeedIt() throws Exception {
        AtomicReference<HealthCheck.Status> ready = new AtomicReference<>(HealthCheck.Status.failing("streams state REBALANCING"));
        HealthCheck health = new HealthCheck() {
            @Override
            public Status live() {
                return Status.ok("process up");
            }

            @Override
            public Status ready() {
                return ready.get();
            }
        };
        WebTestData data = WebTestData.sample();
        server = new DashboardServer(new WebOptions("127.0.0.1", 0, "s3cret", false), new Api(data), null, metrics,
                new SseHub(), () -> { }, health).start();

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = get("/health/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"status\":\"DOWN\"").contains("REBALANCING");
        ready.set(HealthCheck.Status.ok("streams RUNNING"));
        HttpResponse<String> isReady = get("/health/ready");
        assertThat(isReady.statusCode()).isEqualTo(200);
        assertThat(isReady.body()).contains("\"status\":\"UP\"");
        assertThat(get("/api/targets").statusCode()).as("the token still guards the rest").isEqualTo(401);
        assertThat(get("/health/other").statusCode()).isEqualTo(401);
    }

    @Test
    void aClientThatIsNotRunningIsNotReadyAndAStoppedAppIsNotLive(@TempDir Path state) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KafkaStreams created = new KafkaStreams(builder.build(), p)) {
            StreamsHealth health = new StreamsHealth(() -> created, failure::get);
            assertThat(health.live().ok()).isTrue();
            assertThat(health.ready()).isEqualTo(HealthCheck.Status.failing("streams state CREATED"));
            assertThat(new StreamsHealth(() -> null, failure::get).ready().detail()).isEqualTo("streams client not started");
            failure.set(new IllegalStateException("boom"));
            assertThat(health.live().ok()).isFalse();
            assertThat(health.ready().ok()).isFalse();
        }
        assertThat(StreamsHealth.STORES).contains(RequestFanoutStage.TARGETS_STORE);
    }
}
