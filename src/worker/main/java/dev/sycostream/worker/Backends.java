package dev.sycostream.worker;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.worker.backend.BackendProvider;
import dev.sycostream.worker.backend.Completion;
import dev.sycostream.worker.backend.SimulatedModel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Finds the backend that answers a request from the request itself ({@code backend} + {@code backend_params},
 * copied from the target), so the worker needs no join with the targets topic.
 *
 * <p>Backends are built once per distinct (name, params) and cached: a request stream carries the same few
 * targets over and over, and building a client per request would be wasteful for real backends.
 *
 * <p>The built-in backends are found with {@link ServiceLoader} ({@link BackendProvider}s listed in
 * {@code META-INF/services}), so this package imports none of theirs.
 */
public final class Backends {
    /** The name of the {@link SimulatedModel} test fixture backend. */
    public static final String SIMULATED = "simulated";

    /** Builds a backend from the params of a request. */
    @FunctionalInterface
    public interface Factory {
        dev.sycostream.worker.backend.ModelBackend create(Map<String, String> params)
                throws dev.sycostream.worker.backend.BackendException;
    }

    private record Key(String backend, Map<String, String> params) {
    }

    private final Map<String, Factory> factories = new LinkedHashMap<>();
    private final Map<Key, ModelBackend> cache = new ConcurrentHashMap<>();

    /** The name of the OpenAI-compatible HTTP backend ({@code worker.backend.openai.OpenAiBackend}). */
    public static final String OPENAI = "openai";

    /** The name of the in-process GGUF backend ({@code worker.backend.local.LocalBackend}, llama.cpp through JNI). */
    public static final String LOCAL = "local";

    /**
     * The built-in backends: {@value #SIMULATED}, then {@value #OPENAI}, {@value #LOCAL} and any other
     * {@link BackendProvider} on the class path, in the order the service files list them. Each instance loads
     * its own providers (and so, e.g., its own HTTP client for {@value #OPENAI}, started on first use).
     */
    public Backends() {
        factories.put(SIMULATED, Backends::simulated);
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            factories.putIfAbsent(provider.name(), params -> {
                try {
                    return provider.create(params);
                } catch (IllegalArgumentException e) {
                    throw new BackendException("invalid params for backend '" + provider.name() + "': "
                            + e.getMessage(), false, e);
                }
            });
        }
    }

    /**
     * Adds a backend under {@code name} (e.g. a real model client, or a failing one in tests); call before the
     * instance is shared with a worker.
     *
     * @throws IllegalArgumentException if the name is already taken
     */
    public synchronized Backends with(String name, Factory factory) {
        Objects.requireNonNull(factory, "factory");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a backend needs a non-blank name");
        }
        if (factories.containsKey(name)) {
            throw new IllegalArgumentException("backend '" + name + "' is already registered");
        }
        factories.put(name, factory);
        return this;
    }

    /** The registered backend names, in registration order. */
    public synchronized Set<String> known() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(factories.keySet()));
    }

    /** The backend for {@code request.getBackend()} configured with {@code request.getBackendParams()}. */
    public ModelBackend forRequest(ModelRequest request) throws BackendException {
        return resolve(request.getBackend(), request.getBackendParams());
    }

    /**
     * The backend {@code name} configured with {@code params}, built on first use and cached.
     *
     * @throws BackendException (not transient) for an unknown name or params the backend rejects
     */
    public ModelBackend resolve(String name, Map<String, String> params) throws BackendException {
        // Copy: Avro hands out mutable maps, and a key must not change after it is cached.
        Key key = new Key(name, params == null ? Map.of() : Map.copyOf(params));
        ModelBackend cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Factory factory;
        String knownNames;
        synchronized (this) {
            factory = factories.get(name);
            knownNames = String.join(", ", factories.keySet());
        }
        if (factory == null) {
            throw new BackendException("unknown backend '" + name + "'; known: " + knownNames);
        }
        ModelBackend built;
        try {
            built = ModelBackend.of(factory.create(key.params()));
        } catch (dev.sycostream.worker.backend.BackendException e) {
            throw BackendException.from(e);
        }
        ModelBackend raced = cache.putIfAbsent(key, built);
        return raced != null ? raced : built;
    }

    /** How many distinct (backend, params) instances have been built; for tests and metrics. */
    public int cachedCount() {
        return cache.size();
    }

    private static ModelBackend simulated(Map<String, String> params) throws BackendException {
        SimulatedModel model;
        try {
            model = SimulatedModel.fromParams(params);
        } catch (IllegalArgumentException e) {
            throw new BackendException("invalid params for backend '" + SIMULATED + "': " + e.getMessage(), false, e);
        }
        ModelBackend answers = request -> {
            try {
                return model.answer(request);
            } catch (IllegalArgumentException e) {
                // A malformed request (no choices, a letter outside them) fails the same way every time.
                throw new BackendException("backend '" + SIMULATED + "' cannot answer: " + e.getMessage(), false, e);
            }
        };
        return model.reportsUsage() ? withWordUsage(answers) : answers;
    }

    /** The simulated model with {@code usage=words}: each answer reports its prompt's and its own word counts. */
    private static ModelBackend withWordUsage(ModelBackend answers) {
        return new ModelBackend() {
            @Override
            public String complete(ModelRequest request) throws BackendException {
                return answers.complete(request);
            }

            @Override
            public CompletableFuture<Completion> submit(ModelRequest request, Executor blockingExecutor) {
                return answers.submit(request, blockingExecutor).thenApply(c -> c.withUsage(
                        SimulatedModel.words(request.getPrompt()), SimulatedModel.words(c.text())));
            }
        };
    }
}
