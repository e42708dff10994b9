package dev.sycostream.worker.backend.openai;

import dev.sycostream.worker.backend.BackendException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The API key of a target, read by the worker from the environment variable or file the target names. The key
 * itself never travels through a topic (targets and requests are readable by every stage), and this class
 * never prints it: {@link #toString()} is redacted and {@link #redact} scrubs it from server messages we log.
 */
public final class ApiKey {
    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /** No key: servers run locally (vLLM, llama.cpp, Ollama) usually need none. */
    public static Optional<ApiKey> none() {
        return Optional.empty();
    }

    /**
     * The key named by the settings, if any.
     *
     * @param env how to read environment variables (System::getenv; tests pass a map)
     * @throws IllegalArgumentException naming the variable or file (never the key) when it is missing or empty
     */
    public static Optional<ApiKey> load(OpenAiSettings settings, Function<String, String> env) {
        if (settings.apiKeyEnv() != null) {
            String v = env.apply(settings.apiKeyEnv());
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("environment variable " + settings.apiKeyEnv()
                        + " (api_key_env) is not set or empty in the worker's environment");
            }
            return Optional.of(new ApiKey(v.strip()));
        }
        if (settings.apiKeyFile() != null) {
            try {
                String v = Files.readString(Path.of(settings.apiKeyFile()), StandardCharsets.UTF_8).strip();
                if (v.isEmpty()) {
                    throw new IllegalArgumentException("api_key_file " + settings.apiKeyFile() + " is empty");
                }
                return Optional.of(new ApiKey(v));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read api_key_file " + settings.apiKeyFile() + ": "
                        + e.getClass().getSimpleName());
            }
        }
        return Optional.empty();
    }

    public static Optional<ApiKey> load(OpenAiSettings settings) {
        return load(settings, System::getenv);
    }

    /** For tests: a key given directly. */
    static ApiKey of(String value) {
        return new ApiKey(value);
    }

    /** The Authorization header value. */
    String bearer() {
        return "Bearer " + value;
    }

    /** {@code text} with every occurrence of the key replaced, for server messages that may echo it. */
    String redact(String text) {
        return text == null ? null : text.replace(value, "[redacted]");
    }

    @Override
    public String toString() {
        return "ApiKey[redacted]";
    }

    /** Key-less servers: redaction is the identity. */
    static String redact(Optional<ApiKey> key, String text) {
        return key.map(k -> k.redact(text)).orElse(text);
    }

    /**
     * {@code e} with the key scrubbed from its message and from every message of its cause chain: what the worker
     * puts in a reply's {@code error}, a dead letter's reason and its log lines is this, whatever the server's status
     * (a 200 without {@code choices} quotes its body as much as a 401 does) and whatever the exception (an I/O error
     * may quote a header). The causes become {@link RedactedCause}s with the original class name and stack trace.
     */
    static BackendException redact(Optional<ApiKey> key, BackendException e) {
        if (key.isEmpty()) {
            return e;
        }
        BackendException safe = new BackendException(key.get().redact(e.getMessage()), e.isTransient(),
                e.httpStatus().orElse(null), e.retryAfter().orElse(null), redactedCause(key.get(), e.getCause(), 0));
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }

    private static Throwable redactedCause(ApiKey key, Throwable cause, int depth) {
        if (cause == null || depth > 16) {
            return null;
        }
        RedactedCause safe = new RedactedCause(cause.getClass().getName() + ": " + key.redact(cause.getMessage()),
                redactedCause(key, cause.getCause() == cause ? null : cause.getCause(), depth + 1));
        safe.setStackTrace(cause.getStackTrace());
        return safe;
    }

    /** A cause whose message had the key scrubbed; its message starts with the original exception's class. */
    static final class RedactedCause extends Exception {
        RedactedCause(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
