package dev.sycostream.worker.backend.local;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.worker.backend.Completion;
import dev.sycostream.worker.backend.ModelBackend;
import dev.sycostream.worker.backend.openai.ChoiceTokens;
import dev.sycostream.worker.backend.openai.ChoiceTokens.TokenLogprob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code local} backend: a GGUF checkpoint evaluated in the worker's own process by llama.cpp, with the reply of
 * the HTTP backends ({@link Completion}: text, and per-choice log-probabilities in logprobs scoring).
 *
 * <p>Logprobs scoring appends {@code answer_prefix} (" (") to the prompt, so that the next token is the bare choice
 * letter whatever the tokenizer ("▁(" then "A" in SentencePiece vocabularies, "Ġ(" then "A" in byte-level BPE ones),
 * and reads the probability of every token that spells a choice letter ("A", " A", "A)"; see {@link ChoiceTokens}).
 * The engine is asked for the top {@code top_logprobs} tokens first, and for the whole vocabulary when a choice
 * letter is not among them, so every letter the vocabulary can spell gets its probability (a model that needs this
 * for most requests is asked for the whole vocabulary at once). Generate scoring returns
 * the greedy continuation, parsed like any other answer.
 *
 * <p>Requests run on the engine's own pool of {@code parallel} threads, never on the worker's, so a worker's
 * in-flight window can be large without oversubscribing the CPU.
 */
public final class LocalBackend implements ModelBackend {
    public static final String NAME = "local";
    /** More tokens than any vocabulary has: the engine then lists them all. */
    static final int WHOLE_VOCABULARY = 1 << 22;

    /** Requests scored before {@link #wholeVocabularyFirst} may decide. */
    private static final int ADAPT_AFTER = 16;

    private final LocalSettings settings;
    private final LlamaEngine engine;
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong widened = new AtomicLong();

    private LocalBackend(LocalSettings settings, LlamaEngine engine) {
        this.settings = settings;
        this.engine = engine;
    }

    /**
     * Reads the settings from the target's params and loads the checkpoint (once per process for the same file,
     * slots, threads and context).
     *
     * @throws IllegalArgumentException for bad params
     * @throws BackendException         (permanent) when the engine cannot load the file
     */
    public static LocalBackend fromParams(Map<String, String> params) throws BackendException {
        LocalSettings s = LocalSettings.fromParams(params);
        try {
            return new LocalBackend(s, LlamaEngine.of(s));
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException("cannot load " + s.path() + " in-process (llama.cpp): " + e.getMessage(), false, e);
        }
    }

    public LocalSettings settings() {
        return settings;
    }

    @Override
    public CompletableFuture<Completion> submit(ModelRequest request, Executor blockingExecutor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return answer(request);
            } catch (BackendException e) {
                throw new CompletionException(e);
            }
        }, engine.pool());
    }

    @Override
    public String complete(ModelRequest request) throws BackendException {
        return answer(request).text();
    }

    Completion answer(ModelRequest request) throws BackendException {
        boolean logprobs = settings.scoring() == LocalSettings.Scoring.LOGPROBS && request.getFreeForm() == null; // free form: text to match
        String prompt = request.getPrompt() + (logprobs ? settings.answerPrefix() : "");
        try {
            int tokens = engine.tokenCount(prompt);
            int needed = tokens + (logprobs ? 1 : settings.maxTokens());
            if (needed > engine.slotContext()) {
                throw new BackendException("prompt of " + tokens + " tokens and " + (needed - tokens) + " to generate do not fit "
                        + "the context of " + engine.slotContext() + " tokens per slot (raise ctx_size)", false, null);
            }
            if (!logprobs) {
                // The binding reports no usage: the prompt as tokenized above, the continuation tokenized again.
                String text = engine.generate(prompt, settings.maxTokens(), settings.seed());
                return Completion.ofText(text).withUsage((long) tokens, (long) engine.tokenCount(text));
            }
            int choices = request.getChoices().size();
            boolean wholeFirst = wholeVocabularyFirst();
            Map<String, Double> letters = letters(prompt, wholeFirst ? WHOLE_VOCABULARY : settings.topLogprobs(), choices);
            scored.incrementAndGet();
            if (letters.size() < choices && !wholeFirst) {
                widened.incrementAndGet();
                letters = letters(prompt, WHOLE_VOCABULARY, choices);
            }
            if (letters.isEmpty()) {
                throw new BackendException("no token of " + settings.path().getFileName() + "'s vocabulary after the prompt"
                        + " and answer_prefix '" + settings.answerPrefix() + "' names a choice (A-"
                        + (char) ('A' + choices - 1) + "); try another answer_prefix or scoring=generate", false, null);
            }
            // One token is evaluated after the prompt (again from the prompt cache when the vocabulary is widened).
            return new Completion(" (" + ChoiceTokens.best(letters) + ")", letters, null, (long) tokens, 1L);
        } catch (RuntimeException e) {
            // The binding's LlamaException (package-private) and anything else the engine throws fails the same way again.
            throw new BackendException("llama.cpp failed on " + settings.path().getFileName() + ": " + e.getMessage(), false, e);
        }
    }

    /**
     * A model whose choice letters are usually not among its top tokens (a small or untrained one) is asked for the
     * whole vocabulary straight away, instead of twice per request: once more than half of its first requests needed it.
     */
    private boolean wholeVocabularyFirst() {
        long n = scored.get();
        return n >= ADAPT_AFTER && 2 * widened.get() > n;
    }

    private Map<String, Double> letters(String prompt, int nProbs, int choices) {
        Map<String, Float> probs = engine.nextTokenProbabilities(prompt, nProbs, settings.seed());
        List<TokenLogprob> top = new ArrayList<>(probs.size());
        for (Map.Entry<String, Float> e : probs.entrySet()) {
            double p = e.getValue();
            if (p > 0 && Double.isFinite(p)) { // an underflowed 0 has no finite log-probability: as if not listed
                top.add(new TokenLogprob(e.getKey(), Math.log(p)));
            }
        }
        return ChoiceTokens.letters(top, choices);
    }
}
