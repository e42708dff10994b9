package dev.sycostream.worker.backend;

import dev.sycostream.avro.ModelRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Something that answers a rendered prompt: the simulated fixture, or a client of a real model server.
 *
 * <p>Simple backends implement the blocking {@link #complete}; the worker then runs them on its own pool, so
 * they may be called from several threads at once and must be thread-safe. Network backends override
 * {@link #submit} to answer asynchronously, so that one worker thread keeps many requests in flight.
 */
@FunctionalInterface
public interface ModelBackend {

    /**
     * The model's completion of {@code request.getPrompt()}, e.g. {@code " (B) Disagree"}.
     *
     * @throws BackendException when no reply can be produced; {@link BackendException#isTransient()} tells the
     *                          worker whether trying again may help
     */
    String complete(ModelRequest request) throws BackendException;

    /**
     * One attempt at answering {@code request}, completing with the answer or failing with a
     * {@link BackendException} (retries are the worker's business). The default runs {@link #complete} on
     * {@code blockingExecutor}.
     */
    default CompletableFuture<Completion> submit(ModelRequest request, Executor blockingExecutor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Completion.ofText(complete(request));
            } catch (BackendException e) {
                throw new CompletionException(e);
            }
        }, blockingExecutor);
    }
}
