package dev.sycostream.bench;

import dev.sycostream.worker.backend.openai.ModelHttpClient;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's model server: every answer exactly L after its request, however many are waiting. */
class FixedLatencyServerTest {
    private static final byte[] BODY = "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void answersEveryConcurrentRequestAfterTheLatencyAndCountsThemWaiting() throws Exception {
        Duration latency = Duration.ofMillis(200);
        try (FixedLatencyServer server = new FixedLatencyServer(latency);
             ModelHttpClient client = ModelHttpClient.start()) {
            URI uri = URI.create(server.baseUrl() + "/chat/completions");
            int n = 40;
            long start = System.nanoTime();
            List<CompletableFuture<ModelHttpClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(client.post(uri, BODY, Map.of(), Duration.ofSeconds(10)));
            }
            for (CompletableFuture<ModelHttpClient.Response> call : calls) {
                ModelHttpClient.Response r = call.join();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).contains("\"content\":\" (B) Disagree\"");
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).as("no answer before L").isGreaterThanOrEqualTo(latency.toMillis());
            // Unlimited capacity: all 40 wait at once, so the batch takes about L, not 40 x L.
            assertThat(elapsedMs).isLessThan(latency.toMillis() * 10);
            assertThat(server.maxConcurrent()).isGreaterThan(1);
            assertThat(server.answered()).isEqualTo(n);

            // Keep-alive: a second round reuses the connections and is answered the same way.
            assertThat(client.post(uri, BODY, Map.of(), Duration.ofSeconds(10)).join().status()).isEqualTo(200);
            assertThat(server.answered()).isEqualTo(n + 1);
        }
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAllAnsweredAndAnythingElseGetsA400() throws Exception {
        try (FixedLatencyServer server = new FixedLatencyServer(Duration.ofMillis(20))) {
            URI uri = URI.create(server.baseUrl());
            String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + BODY.length + "\r\n\r\n" + new String(BODY, StandardCharsets.UTF_8);
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write((request + request).getBytes(StandardCharsets.UTF_8));
                out.flush();
                String answers = readUntil(socket.getInputStream(), 2, "chat.completion");
                assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(3);
            }
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
            }
        }
    }

    /** Reads until {@code marker} has been seen {@code times} times. */
    private static String readUntil(InputStream in, int times, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (sb.toString().split(marker, -1).length - 1 < times) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
