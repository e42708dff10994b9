package dev.sycostream.worker;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.worker.backend.Completion;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The worker's name for {@link dev.sycostream.worker.backend.ModelBackend} (what {@link Backends} hands out), kept
 * so code written against {@code dev.sycostream.worker.ModelBackend} still compiles; the type itself moved to
 * {@code worker.backend} so that the backends need nothing from this package.
 */
@FunctionalInterface
public interface ModelBackend extends dev.sycostream.worker.backend.ModelBackend {

    /** As {@link dev.sycostream.worker.backend.ModelBackend#complete}, failing with the worker's exception type. */
    @Override
    String complete(ModelRequest request) throws BackendException;

    /** {@code backend} under this name: itself if it already is one, else a view delegating every call. */
    static ModelBackend of(dev.sycostream.worker.backend.ModelBackend backend) {
        if (backend instanceof ModelBackend same) {
            return same;
        }
        return new ModelBackend() {
            @Override
            public String complete(ModelRequest request) throws BackendException {
                try {
                    return backend.complete(request);
                } catch (dev.sycostream.worker.backend.BackendException e) {
                    throw BackendException.from(e);
                }
            }

            @Override
            public CompletableFuture<Completion> submit(ModelRequest request, Executor blockingExecutor) {
                return backend.submit(request, blockingExecutor);
            }

            @Override
            public String toString() {
                return backend.toString();
            }
        };
    }
}
