package dev.sycostream.worker.backend;

import java.util.Map;

/**
 * A kind of backend the worker can use, found through {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.sycostream.worker.backend.BackendProvider}), so the worker never imports a backend's
 * package. Each worker's {@code Backends} loads its own provider instances: a provider may hold state
 * shared by the backends it builds (the OpenAI provider's HTTP client).
 */
public interface BackendProvider {

    /** The name requests use in their {@code backend} field, e.g. {@code "openai"}. */
    String name();

    /**
     * A backend configured with a target's {@code backend_params}.
     *
     * @throws IllegalArgumentException naming the param, when the params are invalid (the caller turns it into a
     *                                  permanent {@link BackendException})
     * @throws BackendException         when the backend cannot be built for another reason
     */
    ModelBackend create(Map<String, String> params) throws BackendException;
}
