package dev.sycostream.worker.backend.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sycostream.avro.ChatMessage;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.prompts.MultipleChoiceTemplates;
import dev.sycostream.worker.backend.Completion;
import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.json.Json;
import dev.sycostream.worker.backend.openai.ChoiceTokens.TokenLogprob;
import dev.sycostream.worker.backend.openai.OpenAiSettings.Api;
import dev.sycostream.worker.backend.openai.OpenAiSettings.Scoring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the OpenAI {@code /v1/chat/completions} and {@code /v1/completions} APIs: the body we send for a
 * request, and what we read from a 200 answer.
 *
 * <p>The prompts are the paper's {@code "Human: ...\n\nAssistant: I believe the best answer is"}. The completions
 * API gets them verbatim. The chat API gets the Human turn as the user message and, with {@code chat_prefill},
 * the Assistant's opening as a final assistant message the server continues (vLLM's and SGLang's
 * {@code continue_final_message}); OpenAI itself accepts no prefill, so by default only the user turn is sent.
 * A turn-2 request (a pushback on the model's answer) carries its conversation: the chat API gets those messages,
 * the completions API the prompt, which is the same dialogue as a Human/Assistant transcript.
 */
final class OpenAiProtocol {
    static final String ASSISTANT_TURN = "\n\nAssistant:";
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Server text quoted in errors is bounded: an HTML error page must not fill a dead letter. */
    private static final int MAX_QUOTED = 300;

    private OpenAiProtocol() {
    }

    static byte[] body(OpenAiSettings s, ModelRequest request) {
        // a free-form (answer sycophancy) reply is text to match, not a letter: always generated
        boolean logprobs = s.scoring() == Scoring.LOGPROBS && request.getFreeForm() == null;
        ObjectNode body = JSON.createObjectNode();
        body.put("model", s.model());
        body.put("temperature", s.temperature());
        body.put("max_tokens", logprobs ? 1 : s.maxTokens());
        String prompt = request.getPrompt();
        String suffix = logprobs ? s.answerPrefix() : "";
        if (s.api() == Api.COMPLETIONS) {
            body.put("prompt", prompt + suffix);
            if (logprobs) {
                body.put("logprobs", s.topLogprobs());
            }
        } else {
            ArrayNode messages = body.putArray("messages");
            int turn = prompt.lastIndexOf(ASSISTANT_TURN);
            if (request.getConversation().isEmpty()) {
                messages.addObject().put("role", "user").put("content", MultipleChoiceTemplates.userMessageOf(prompt));
            } else {
                // a turn 2: the dialogue so far, the model's own turn-1 reply included verbatim
                for (ChatMessage m : request.getConversation()) {
                    messages.addObject().put("role", m.getRole()).put("content", m.getContent());
                }
            }
            if (s.chatPrefill() && turn >= 0) {
                String opening = prompt.substring(turn + ASSISTANT_TURN.length()).strip() + suffix;
                messages.addObject().put("role", "assistant").put("content", opening);
                body.put("continue_final_message", true);
                body.put("add_generation_prompt", false);
            }
            if (logprobs) {
                body.put("logprobs", true);
                body.put("top_logprobs", s.topLogprobs());
            }
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body", e); // a tree of strings always serializes
        }
    }

    /**
     * Reads a 200 answer.
     *
     * @throws BackendException (permanent) for malformed JSON, a missing text, or logprobs the server did not give
     */
    static Completion read(OpenAiSettings s, ModelRequest request, String responseBody, int status) throws BackendException {
        JsonNode root;
        try {
            root = JSON.readTree(responseBody);
        } catch (JsonProcessingException e) {
            throw new BackendException("malformed JSON from " + s.endpoint() + ": " + firstLine(e.getOriginalMessage())
                    + " in " + quote(responseBody), false, status, null, null);
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || choice.isMissingNode() || !choice.isObject()) {
            throw new BackendException("answer from " + s.endpoint() + " has no choices[0]: " + quote(responseBody),
                    false, status, null, null);
        }
        if (s.scoring() == Scoring.LOGPROBS && request.getFreeForm() == null) {
            return withUsage(readLogprobs(s, request, choice, status), root);
        }
        JsonNode text = s.api() == Api.CHAT ? choice.path("message").path("content") : choice.path("text");
        if (!text.isTextual()) {
            throw new BackendException("answer from " + s.endpoint() + " has no "
                    + (s.api() == Api.CHAT ? "choices[0].message.content" : "choices[0].text") + ": "
                    + quote(responseBody), false, status, null, null);
        }
        return withUsage(new Completion(text.asText(), Map.of(), status), root);
    }

    /**
     * The answer with the server's {@code usage.prompt_tokens} and {@code usage.completion_tokens} (the same object in
     * the chat and completions APIs); a count the server does not report, or reports as something other than a
     * non-negative integer, stays null rather than being guessed.
     */
    private static Completion withUsage(Completion completion, JsonNode root) {
        JsonNode usage = root.path("usage");
        return completion.withUsage(count(usage.path("prompt_tokens")), count(usage.path("completion_tokens")));
    }

    private static Long count(JsonNode n) {
        return n.canConvertToExactIntegral() && n.canConvertToLong() && n.asLong() >= 0 ? n.asLong() : null;
    }

    private static Completion readLogprobs(OpenAiSettings s, ModelRequest request, JsonNode choice, int status)
            throws BackendException {
        List<TokenLogprob> top = new ArrayList<>();
        JsonNode logprobs = choice.path("logprobs");
        // llama.cpp's server answers /v1/completions in the chat shape too (logprobs.content[0].top_logprobs);
        // OpenAI and vLLM use the legacy shape there (logprobs.top_logprobs[0]).
        if (s.api() == Api.CHAT || logprobs.path("content").isArray()) {
            // {"content": [{"token": " B", "logprob": -0.1, "top_logprobs": [{"token": " B", "logprob": -0.1}, ...]}]}
            for (JsonNode alt : logprobs.path("content").path(0).path("top_logprobs")) {
                if (alt.path("token").isTextual() && alt.path("logprob").isNumber()) {
                    top.add(new TokenLogprob(alt.get("token").asText(), alt.get("logprob").asDouble()));
                }
            }
        } else {
            // {"tokens": [" B"], "token_logprobs": [-0.1], "top_logprobs": [{" B": -0.1, " A": -2.4}]}
            JsonNode first = logprobs.path("top_logprobs").path(0);
            for (Iterator<Map.Entry<String, JsonNode>> it = first.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNumber()) {
                    top.add(new TokenLogprob(e.getKey(), e.getValue().asDouble()));
                }
            }
        }
        if (top.isEmpty()) {
            throw new BackendException("server at " + s.endpoint() + " returned no top log-probabilities for the first "
                    + "token (it ignores " + (s.api() == Api.CHAT ? "logprobs/top_logprobs" : "logprobs")
                    + "); target cannot be scored with scoring=logprobs, use scoring=generate", false, status, null, null);
        }
        Map<String, Double> byLetter = ChoiceTokens.letters(top, request.getChoices().size());
        if (byLetter.isEmpty()) {
            throw new BackendException("none of the first token's top " + top.size() + " alternatives names a choice "
                    + "(A-" + (char) ('A' + request.getChoices().size() - 1) + "): " + quote(tokens(top))
                    + "; try answer_prefix=\" (\" or scoring=generate", false, status, null, null);
        }
        return new Completion(" (" + ChoiceTokens.best(byLetter) + ")", byLetter, status);
    }

    /** The {@code error.message} of an OpenAI-style error body, else the body itself, bounded. */
    static String errorMessage(String body) {
        try {
            JsonNode message = JSON.readTree(body).path("error").path("message");
            if (message.isTextual()) {
                return quote(message.asText());
            }
        } catch (JsonProcessingException | RuntimeException notJson) {
            // fall through: quote the raw body
        }
        return quote(body);
    }

    private static String tokens(List<TokenLogprob> top) {
        return top.stream().map(t -> "'" + t.token() + "'").toList().toString();
    }

    static String quote(String s) {
        if (s == null) {
            return "(empty)";
        }
        String flat = s.replace('\n', ' ').replace('\r', ' ');
        return flat.length() <= MAX_QUOTED ? flat : flat.substring(0, MAX_QUOTED) + "...";
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }
}
