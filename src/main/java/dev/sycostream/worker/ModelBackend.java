package dev.sycostream.worker;

import dev.sycostream.avro.ModelRequest;

/**
 * Something that answers a rendered prompt: the simulated fixture, or a client of a real model server.
 * Implementations must be safe to call from one worker thread at a time; the worker never calls one
 * concurrently.
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
}
