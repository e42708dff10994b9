package dev.sycostream.worker.backend.local;

import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.worker.backend.BackendProvider;
import dev.sycostream.worker.backend.ModelBackend;

import java.util.Map;

/** The {@value LocalBackend#NAME} backend; loads the checkpoint (native code) only when a request for it arrives. */
public final class LocalBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return LocalBackend.NAME;
    }

    @Override
    public ModelBackend create(Map<String, String> params) throws BackendException {
        return LocalBackend.fromParams(params);
    }
}
