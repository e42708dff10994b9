package dev.sycostream.worker.backend.openai;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker's HTTP client for model servers: asynchronous POSTs of JSON on pooled keep-alive connections, shared
 * by every target of a worker.
 *
 * <p>Built on Apache HttpClient 5's NIO client rather than {@code java.net.http.HttpClient}: in
 * {@code sycostream bench worker} the JDK client spent about 1.2 ms of CPU per request on this 2-core machine (a
 * hand-off to a worker thread per response stage, and no TCP_NODELAY), the Apache client about half, which is what
 * keeps a 64-request window full at 50 ms per answer. TCP_NODELAY is on, so a request written as headers and body
 * never waits for a delayed ACK.
 *
 * <p>{@link #post} completes with the response whatever its status, and fails with {@link TimeoutException} when
 * the whole exchange took longer than its timeout (the request is then cancelled and its connection discarded), or
 * with the I/O error ({@link java.net.ConnectException} and the like). Concurrency is bounded by the worker's
 * window, not here: the pool allows up to {@value #MAX_CONNECTIONS} connections per server.
 */
public final class ModelHttpClient implements AutoCloseable {
    /** More than any sensible in-flight window, so the pool never queues a request the worker has let through. */
    static final int MAX_CONNECTIONS = 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The largest response body read; a model answer with max_tokens of a few dozen is a few KiB. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

    /** The server sent more than {@value #MAX_RESPONSE_BYTES} bytes: the exchange is abandoned, not buffered. */
    public static final class ResponseTooLargeException extends IOException {
        ResponseTooLargeException(URI uri) {
            super("response from " + uri + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
    }

    /** A response: status, body (decoded as UTF-8, what the OpenAI formats use) and the {@code Retry-After} header. */
    public record Response(int status, String body, Optional<String> retryAfter) {
    }

    private final CloseableHttpAsyncClient client;

    private ModelHttpClient(CloseableHttpAsyncClient client) {
        this.client = client;
    }

    /** A started client with one I/O thread per processor. */
    public static ModelHttpClient start() {
        PoolingAsyncClientConnectionManager connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
                        .build())
                .build();
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(connections)
                .setIOReactorConfig(IOReactorConfig.custom().setTcpNoDelay(true).setSoKeepAlive(true).build())
                // Model servers answer JSON; there is nothing to gain from redirects or cookies here.
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .build();
        client.start();
        return new ModelHttpClient(client);
    }

    /**
     * POSTs {@code body} as JSON to {@code uri} with {@code headers}.
     *
     * @param timeout the longest the whole exchange may take
     */
    public CompletableFuture<Response> post(URI uri, byte[] body, Map<String, String> headers, Duration timeout) {
        SimpleRequestBuilder builder = SimpleRequestBuilder.post(uri)
                .setBody(body, ContentType.APPLICATION_JSON)
                .setRequestConfig(RequestConfig.custom()
                        // A backstop at the socket; the exchange as a whole is bounded by orTimeout below.
                        .setResponseTimeout(Timeout.of(timeout))
                        .build());
        headers.forEach(builder::addHeader);
        SimpleHttpRequest request = builder.build();
        CompletableFuture<Response> result = new CompletableFuture<>();
        Future<Response> exchange = client.execute(SimpleRequestProducer.create(request), new CappedResponseConsumer(uri),
                new FutureCallback<>() {
            @Override
            public void completed(Response response) {
                result.complete(response);
            }

            @Override
            public void failed(Exception e) {
                result.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                result.completeExceptionally(new CancellationException("request to " + uri + " cancelled"));
            }
        });
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((response, error) -> {
            if (error instanceof TimeoutException) {
                exchange.cancel(true);
            }
        });
        return result;
    }

    /** Reads a response into memory, up to {@value #MAX_RESPONSE_BYTES} bytes of body. */
    private static final class CappedResponseConsumer extends AbstractBinResponseConsumer<Response> {
        private final URI uri;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private Optional<String> retryAfter = Optional.empty();

        CappedResponseConsumer(URI uri) {
            this.uri = uri;
        }

        @Override
        protected void start(HttpResponse response, ContentType contentType) {
            status = response.getCode();
            retryAfter = Optional.ofNullable(response.getFirstHeader("Retry-After")).map(Header::getValue);
        }

        @Override
        protected int capacityIncrement() {
            return Integer.MAX_VALUE;
        }

        @Override
        protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
            if (body.size() + src.remaining() > MAX_RESPONSE_BYTES) {
                throw new ResponseTooLargeException(uri);
            }
            byte[] chunk = new byte[src.remaining()];
            src.get(chunk);
            body.write(chunk);
        }

        @Override
        protected Response buildResult() {
            return new Response(status, body.toString(StandardCharsets.UTF_8), retryAfter);
        }

        @Override
        public void releaseResources() {
            // Nothing pooled: the buffer goes with the consumer.
        }
    }

    /** Stops the I/O threads and closes every pooled connection. */
    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }
}
