package dev.sycostream.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a schema registry that fails the first registrations of each subject the way real
 * registries fail two writers racing on a fresh subject: a quarter of the subjects (by name hash) get
 * {@code server500s} answers 500 (Confluent's "Error while registering schema", error_code 50001) before the
 * registry sees the request; another quarter get {@code conflicts} answers 409 "An artifact with ID ... already
 * exists" (Apicurio's words) that register nothing. Every other request is forwarded as it is.
 */
public final class FlakyRegistryProxy implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final int server500s;
    private final int conflicts;
    private final Map<String, AtomicInteger> registrations = new ConcurrentHashMap<>();
    private final AtomicInteger injected500 = new AtomicInteger();
    private final AtomicInteger injected409 = new AtomicInteger();

    public FlakyRegistryProxy(String targetUrl, int server500s, int conflicts) throws IOException {
        this.target = targetUrl.endsWith("/") ? targetUrl.substring(0, targetUrl.length() - 1) : targetUrl;
        this.server500s = server500s;
        this.conflicts = conflicts;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int injected500() {
        return injected500.get();
    }

    public int injected409() {
        return injected409.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestMethod().equals("POST") && path.startsWith("/subjects/") && path.endsWith("/versions")) {
                String subject = path.substring("/subjects/".length(), path.length() - "/versions".length());
                int n = registrations.computeIfAbsent(subject, s -> new AtomicInteger()).incrementAndGet();
                int kind = subject.hashCode() & 3; // a quarter of the subjects fail with 500s, a quarter with 409s
                if (kind == 0 && n <= server500s) {
                    injected500.incrementAndGet();
                    answer(exchange, 500, "{\"error_code\":50001,\"message\":\"Error while registering schema\"}");
                    return;
                }
                if (kind == 1 && n <= conflicts) {
                    injected409.incrementAndGet();
                    answer(exchange, 409, "{\"message\":\"An artifact with ID '" + subject
                            + "' in group 'null' already exists.\",\"error_code\":409}");
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                forward.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
