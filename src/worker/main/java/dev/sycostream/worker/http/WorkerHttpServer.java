package dev.sycostream.worker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sycostream.worker.ModelWorker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The worker's small HTTP server (the JDK's, so the worker image carries no web framework):
 * <pre>
 * GET /metrics        the worker's Prometheus metrics ({@link dev.sycostream.worker.WorkerMetrics})
 * GET /health/live    200 while the worker has not stopped on its own (fenced, fatal error), else 503
 * GET /health/ready   200 while its loop runs, else 503
 * </pre>
 * Only numbers and states are served, no request or reply text, so no token is asked for.
 */
public final class WorkerHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private WorkerHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves {@code worker} on {@code host:port} (port 0: a free one).
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static WorkerHttpServer start(ModelWorker worker, String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for the worker's /metrics "
                    + "and health (--http-port): " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sycostream-worker-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> answer(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                worker.metrics().scrape()));
        server.createContext("/health/live", ex -> {
            boolean live = worker.failure().isEmpty();
            health(ex, live, live ? "process up" : "worker stopped: " + worker.failure().get());
        });
        server.createContext("/health/ready", ex -> {
            boolean ready = worker.hasStarted() && worker.isRunning() && worker.failure().isEmpty();
            health(ex, ready, ready ? "worker " + worker.workerId() + " running, " + worker.inFlight() + " in flight"
                    : "worker " + worker.workerId() + " not running"
                      + worker.failure().map(f -> ": " + f).orElse(""));
        });
        server.start();
        return new WorkerHttpServer(server, executor);
    }

    private static void health(HttpExchange exchange, boolean ok, String detail) throws IOException {
        String json = "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"detail\":\"" + escape(detail) + "\"}";
        answer(exchange, ok ? 200 : 503, "application/json", json);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            // A context matches its path as a prefix; only the path itself is served.
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.getResponseHeaders().add("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
