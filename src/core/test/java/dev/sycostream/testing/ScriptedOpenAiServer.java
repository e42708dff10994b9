package dev.sycostream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that speaks the OpenAI chat/completions formats with answers a test scripts:
 * each call is recorded and answered by {@code script}, which may delay, fail with a status and
 * {@code Retry-After}, or return malformed JSON. Real sockets and a real client, so timeouts, headers and
 * connection handling are exercised as in production.
 */
public final class ScriptedOpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call as the server saw it. */
    public record Call(String path, Map<String, List<String>> headers, JsonNode body, String rawBody) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** What to answer: status, body, extra headers, and how long to wait first. */
    public record Answer(int status, String body, Map<String, String> headers, long delayMs) {
        public static Answer ok(String body) {
            return new Answer(200, body, Map.of(), 0);
        }

        public Answer after(long ms) {
            return new Answer(status, body, headers, ms);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    public ScriptedOpenAiServer(Function<Call, Answer> script) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a loopback port", e);
        }
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, script));
        server.start();
    }

    private void handle(HttpExchange exchange, Function<Call, Answer> script) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body = raw.isEmpty() ? null : JSON.readTree(raw);
            Call call = new Call(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body, raw);
            calls.add(call);
            Answer answer = script.apply(call);
            if (answer.delayMs() > 0) {
                Thread.sleep(answer.delayMs());
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        }
    }

    /** e.g. {@code http://127.0.0.1:PORT/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** A {@code /v1/chat/completions} answer with {@code content}. */
    public static String chat(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + quote(content) + "},\"finish_reason\":\"stop\"}]}";
    }

    /** A {@code /v1/completions} answer with {@code text}. */
    public static String completion(String text) {
        return "{\"id\":\"c1\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":" + quote(text)
                + ",\"finish_reason\":\"length\"}]}";
    }

    /** A chat answer of one token whose top alternatives are {@code top} (token → logprob, in order). */
    public static String chatLogprobs(Map<String, Double> top) {
        StringBuilder alts = new StringBuilder();
        String first = null;
        for (Map.Entry<String, Double> e : top.entrySet()) {
            if (first == null) {
                first = e.getKey();
            }
            alts.append(alts.length() == 0 ? "" : ",").append("{\"token\":").append(quote(e.getKey()))
                    .append(",\"logprob\":").append(e.getValue()).append("}");
        }
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + quote(first) + "},"
                + "\"logprobs\":{\"content\":[{\"token\":" + quote(first) + ",\"logprob\":" + top.get(first)
                + ",\"top_logprobs\":[" + alts + "]}]}}]}";
    }

    /** A completions answer of one token whose top alternatives are {@code top}. */
    public static String completionLogprobs(Map<String, Double> top) {
        StringBuilder alts = new StringBuilder();
        String first = null;
        for (Map.Entry<String, Double> e : top.entrySet()) {
            if (first == null) {
                first = e.getKey();
            }
            alts.append(alts.length() == 0 ? "" : ",").append(quote(e.getKey())).append(":").append(e.getValue());
        }
        return "{\"choices\":[{\"index\":0,\"text\":" + quote(first) + ",\"logprobs\":{\"tokens\":[" + quote(first)
                + "],\"token_logprobs\":[" + top.get(first) + "],\"top_logprobs\":[{" + alts + "}]}}]}";
    }

    /** {@code body} (an answer object) with {@code "usage": {prompt_tokens, completion_tokens, total_tokens}}, as servers report it. */
    public static String withUsage(String body, long promptTokens, long completionTokens) {
        int end = body.lastIndexOf('}');
        return body.substring(0, end) + ",\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":"
                + completionTokens + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}";
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
