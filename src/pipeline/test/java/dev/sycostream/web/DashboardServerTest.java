package dev.sycostream.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DashboardServer server;
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final SseHub hub = new SseHub();

    private DashboardServer start(WebOptions options) {
        WebTestData data = WebTestData.sample();
        server = new DashboardServer(options, new Api(data), metrics, hub, () -> metrics.update(data.results())).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        metrics.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageTheChartLibraryFromItsWebJarTheApisAndPrometheus() throws Exception {
        start(WebOptions.loopback(0));
        assertThat(server.url()).startsWith("http://127.0.0.1:");
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/webjars/uplot/dist/uPlot.iife.min.js", "/app.js");
        HttpResponse<String> uplot = get("/webjars/uplot/dist/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/app.js").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        // the forest, checkpoint and pair views, in their own files
        assertThat(page.body()).contains("/views-lib.js", "/views.js", "/views.css");
        assertThat(get("/views.js").body()).contains("SycostreamViewsLib");
        assertThat(get("/views-lib.js").body()).contains("forestSvg", "trendSvg");
        assertThat(get("/views.css").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));

        HttpResponse<String> metricsApi = get("/api/metrics?target=base&window=cumulative");
        assertThat(metricsApi.statusCode()).isEqualTo(200);
        assertThat(metricsApi.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(metricsApi.body()).contains("\"n\":10", "\"ci_low\":");
        assertThat(get("/api/targets").body()).contains("\"target\":\"base\"");
        assertThat(get("/api/progress").body()).contains("\"expected\":20");

        HttpResponse<String> prom = get("/metrics");
        assertThat(prom.statusCode()).isEqualTo(200);
        assertThat(prom.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        PrometheusMetricsTest.assertValidExposition(prom.body());
        assertThat(prom.body()).contains("sycostream_rate{");

        HttpResponse<String> missing = get("/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no such path: /nothing");
        // above the root: Jetty refuses the URI itself (400); within it, the WebJar route refuses ".." (404)
        HttpResponse<String> escape = get("/webjars/uplot/../../../../dev/sycostream/web/static/index.html");
        assertThat(escape.statusCode()).isEqualTo(400);
        assertThat(escape.body()).doesNotContain("/app.js");
        assertThat(get("/webjars/uplot/../uplot/dist/uPlot.iife.min.js").statusCode()).isEqualTo(404);
        assertThat(get("/webjars/uplot/dist/%2e%2e/dist/uPlot.iife.min.js").statusCode()).isEqualTo(404);
        assertThat(get("/api/targets/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/targets"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.body()).contains("only GET");
    }

    @Test
    void serverSentEventsDeliverPublishedResults() throws Exception {
        start(WebOptions.loopback(0));
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "api/events")).build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hub.clientCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hub.clientCount()).isEqualTo(1);
        hub.publish("result", "{\"target\":\"base\",\"n\":42}");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<String> data = CompletableFuture.supplyAsync(() -> {
                try {
                    String event = null;
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("event: ")) {
                            event = line.substring(7);
                        } else if (line.startsWith("data: ") && "result".equals(event)) {
                            return line.substring(6);
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(data.get(10, TimeUnit.SECONDS)).isEqualTo("{\"target\":\"base\",\"n\":42}");
        }
    }

    @Test
    void aTokenIsRequiredByHeaderQueryOrCookie() throws Exception {
        start(new WebOptions("127.0.0.1", 0, "s3cret", false));
        HttpResponse<String> denied = get("/api/metrics");
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.body()).contains("Authorization: Bearer");
        assertThat(get("/metrics", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
        HttpResponse<String> page = get("/?token=s3cret");
        assertThat(page.statusCode()).isEqualTo(200);
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("sycostream_token=s3cret;").contains("HttpOnly");
        assertThat(get("/api/targets", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode()).isEqualTo(200);
    }

    @Test
    void aNonLoopbackHostNeedsATokenAndABusyPortIsAClearError() {
        assertThatThrownBy(() -> new WebOptions("0.0.0.0", 8080, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--http-token");
        assertThat(new WebOptions("0.0.0.0", 8080, "t", false).token()).isEqualTo("t");
        start(WebOptions.loopback(0));
        WebTestData data = WebTestData.sample();
        assertThatThrownBy(() -> new DashboardServer(WebOptions.loopback(server.port()), new Api(data), metrics, hub, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--http-port");
        DashboardServer fallback = new DashboardServer(new WebOptions("127.0.0.1", server.port(), null, true),
                new Api(data), metrics, hub, () -> { });
        try {
            assertThat(fallback.port()).isNotEqualTo(server.port()).isPositive();
        } finally {
            fallback.close();
        }
    }
}
