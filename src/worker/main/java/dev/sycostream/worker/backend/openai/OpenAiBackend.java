package dev.sycostream.worker.backend.openai;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.worker.backend.Completion;
import dev.sycostream.worker.backend.ModelBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of an OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, TGI, SGLang, OpenAI): one
 * asynchronous HTTP call per attempt, so a single worker thread keeps many requests in flight.
 *
 * <p>Failures are classified for the worker's retries: 429, 408 and 5xx, timeouts and connection errors are
 * transient (with the server's {@code Retry-After}); other statuses, malformed answers and logprobs the server
 * does not return are permanent. Error texts carry the HTTP status and the server's message, never the API key.
 */
public final class OpenAiBackend implements ModelBackend {
    public static final String NAME = "openai";

    private static final Logger log = LoggerFactory.getLogger(OpenAiBackend.class);

    private final OpenAiSettings settings;
    private final Optional<ApiKey> apiKey;
    private final ModelHttpClient client;
    private final RateLimiter rateLimiter;
    /** A target whose server ignores logprobs fails every request the same way: say so once, loudly. */
    private final AtomicBoolean warnedAboutLogprobs = new AtomicBoolean();

    public OpenAiBackend(OpenAiSettings settings, Optional<ApiKey> apiKey, ModelHttpClient client) {
        this.settings = settings;
        this.apiKey = apiKey;
        this.client = client;
        this.rateLimiter = new RateLimiter(settings.rateLimit(), System::nanoTime);
    }

    /** Reads the settings and the API key from the target's params. */
    public static OpenAiBackend fromParams(Map<String, String> params, ModelHttpClient client) {
        OpenAiSettings settings = OpenAiSettings.fromParams(params);
        return new OpenAiBackend(settings, ApiKey.load(settings), client);
    }

    public OpenAiSettings settings() {
        return settings;
    }

    @Override
    public CompletableFuture<Completion> submit(ModelRequest request, Executor blockingExecutor) {
        long waitNanos = rateLimiter.reserve();
        if (waitNanos <= 0) {
            return send(request);
        }
        Executor later = CompletableFuture.delayedExecutor(waitNanos, TimeUnit.NANOSECONDS);
        return CompletableFuture.supplyAsync(() -> request, later).thenCompose(this::send);
    }

    /** Blocking form, for callers outside the worker. */
    @Override
    public String complete(ModelRequest request) throws BackendException {
        try {
            return submit(request, Runnable::run).get().text();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BackendException b) {
                throw b;
            }
            throw ApiKey.redact(apiKey, new BackendException(String.valueOf(e.getCause()), false, e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted", true, e);
        }
    }

    private CompletableFuture<Completion> send(ModelRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        apiKey.ifPresent(k -> headers.put("Authorization", k.bearer()));
        return client.post(settings.endpoint(), OpenAiProtocol.body(settings, request), headers, settings.timeout())
                .handle((response, error) -> {
                    try {
                        if (error != null) {
                            throw failure(error);
                        }
                        return answer(request, response);
                    } catch (BackendException e) {
                        // The one point every failure passes on its way to a reply, a dead letter or a log line.
                        BackendException safe = ApiKey.redact(apiKey, e);
                        if (safe.getMessage().contains("ignores") && warnedAboutLogprobs.compareAndSet(false, true)) {
                            log.error("target {} ({}): {}", request.getTargetId(), settings.endpoint(), safe.getMessage());
                        }
                        throw new CompletionException(safe);
                    }
                });
    }

    private Completion answer(ModelRequest request, ModelHttpClient.Response response) throws BackendException {
        int status = response.status();
        // Scrubbed as it arrives, whatever the status: a completion that echoes the prompt's headers, a 200
        // without choices quoted in an error, and a 401 quoting the key all read this text, never the raw body.
        String body = ApiKey.redact(apiKey, response.body());
        if (status == 200) {
            return OpenAiProtocol.read(settings, request, body, status);
        }
        String message = "HTTP " + status + " from " + settings.endpoint() + ": " + OpenAiProtocol.errorMessage(body);
        boolean retry = status == 429 || status == 408 || status >= 500;
        Duration retryAfter = RetryAfter.parse(response.retryAfter().orElse(null), Instant.now())
                .orElse(null);
        throw new BackendException(message, retry, status, retryAfter, null);
    }

    private BackendException failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
            return new BackendException("no answer from " + settings.endpoint() + " within " + settings.timeout().toMillis()
                    + " ms (timeout_ms)", true, null, null, cause);
        }
        if (cause instanceof ConnectException) {
            return new BackendException("cannot connect to " + settings.endpoint() + ": " + cause.getClass().getSimpleName(),
                    true, null, null, cause);
        }
        if (cause instanceof ModelHttpClient.ResponseTooLargeException) {
            return new BackendException(cause.getMessage(), false, null, null, cause);
        }
        if (cause instanceof IOException) {
            return new BackendException("I/O error talking to " + settings.endpoint() + ": " + cause, true, null, null, cause);
        }
        return new BackendException("request to " + settings.endpoint() + " failed: " + cause, false, null, null, cause);
    }
}
