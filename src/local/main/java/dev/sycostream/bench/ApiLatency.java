package dev.sycostream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * The latency of one dashboard API path, called one request after another (a dashboard polling it) from one
 * keep-alive client: {@code warmup} calls unmeasured, then up to {@code calls} measured, stopping early once
 * {@code budget} has passed (a path whose cost grows with history can take seconds per call at 1M answers).
 */
final class ApiLatency {
    /** Measured calls, their percentiles (ms) and the size of the last answer. */
    record Result(int calls, double p50Ms, double p99Ms, double maxMs, int bytes) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    /** @param baseUrl the dashboard, e.g. {@code http://127.0.0.1:8080/} */
    ApiLatency(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** One GET; its body. @throws IllegalStateException unless the answer is 200 */
    String get(String path) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(2)).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        }
    }

    Result measure(String path, int warmup, int calls, Duration budget) throws InterruptedException {
        for (int i = 0; i < warmup; i++) {
            get(path);
        }
        long[] nanos = new long[calls];
        int n = 0;
        int bytes = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        while (n < calls && (n == 0 || System.nanoTime() < deadline)) {
            long t0 = System.nanoTime();
            bytes = get(path).length();
            nanos[n++] = System.nanoTime() - t0;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return new Result(n, Latencies.percentile(sorted, 0.50) / 1e6, Latencies.percentile(sorted, 0.99) / 1e6,
                sorted[n - 1] / 1e6, bytes);
    }
}
