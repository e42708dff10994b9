package dev.sycostream.budget;

import dev.sycostream.avro.ChatMessage;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.probing.SpendBounds;

/**
 * The most one request can cost, in pico-USD, reserved before it is sent: {@link SpendBounds} (a prompt token per
 * UTF-8 byte plus the server's overhead, the completion cap, at the target's prices) over everything the request
 * sends. A turn-2 request sends its whole conversation, so every message counts, not only the prompt.
 */
public final class RequestCostBound {
    private RequestCostBound() {
    }

    /** @throws IllegalArgumentException if the request's target has no prices */
    public static long picoUsd(ModelRequest request) {
        return SpendBounds.request(ProbeBudgets.PICO_USD, request.getBackend(), request.getBackendParams(), sentText(request));
    }

    /** The prompt, or with a conversation, all its messages (one message separator byte each: a generous count). */
    static String sentText(ModelRequest request) {
        if (request.getConversation() == null || request.getConversation().isEmpty()) {
            return request.getPrompt();
        }
        StringBuilder all = new StringBuilder();
        for (ChatMessage m : request.getConversation()) {
            all.append(m.getRole()).append('\n').append(m.getContent()).append('\n');
        }
        return all.toString();
    }
}
