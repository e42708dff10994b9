package dev.sycostream.worker.backend.local;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TinyLlama;
import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.worker.backend.Completion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local backend on the project's tiny GGUF checkpoint, evaluated by llama.cpp in this JVM. The model's weights are
 * random, so nothing here depends on which answer it gives: only on the shape and sanity of every reply.
 */
class LocalBackendTest {

    private static Map<String, String> params(String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put(LocalSettings.PATH, TinyLlama.path().toString());
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static List<ModelRequest> requests() {
        List<ModelRequest> out = new ArrayList<>();
        var items = new ArrayList<>(Fixtures.additionItems(4));
        items.addAll(Fixtures.perezItems("philpapers2020", 6)); // questions with more than two choices among them
        for (var item : items) {
            for (PromptVariant v : PromptRenderer.render(item)) {
                out.add(ModelRequest.newBuilder().setRequestId("r" + out.size()).setTargetId("tiny").setItemId(item.getItemId())
                        .setTask(item.getTask()).setVariant(v.variant()).setPrompt(v.prompt()).setChoices(v.choices())
                        .setUserAnswer(v.userAnswer()).setCorrectAnswer(v.correctAnswer()).setBackend(LocalBackend.NAME)
                        .setBackendParams(Map.of()).setCreatedAtMs(0L).build());
            }
        }
        return out;
    }

    @Test
    void logprobsScoringGivesEveryChoiceAFiniteProbabilityAndTheySumToAtMostOne() throws Exception {
        LocalBackend backend = LocalBackend.fromParams(params("parallel", "2"));
        List<ModelRequest> requests = requests();
        List<CompletableFuture<Completion>> futures = requests.stream().map(r -> backend.submit(r, Runnable::run)).toList();
        boolean sawMoreThanTwo = false;
        for (int i = 0; i < requests.size(); i++) {
            ModelRequest r = requests.get(i);
            Completion c = futures.get(i).get();
            int k = r.getChoices().size();
            sawMoreThanTwo |= k > 2;
            List<String> letters = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                letters.add(String.valueOf((char) ('A' + j)));
            }
            assertThat(c.choiceLogprobs()).as(r.getRequestId()).containsOnlyKeys(letters);
            double sum = 0;
            for (double lp : c.choiceLogprobs().values()) {
                assertThat(lp).isFinite().isLessThanOrEqualTo(0.0);
                sum += Math.exp(lp);
            }
            assertThat(sum).as("probability mass on the choices").isLessThanOrEqualTo(1.0 + 1e-6);
            String best = c.choiceLogprobs().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertThat(c.text()).isEqualTo(" (" + best + ")");
            // usage: the prompt and answer prefix as the engine tokenizes them, one evaluated token
            assertThat(c.promptTokens()).as("prompt tokens").isPositive()
                    .isLessThanOrEqualTo((long) r.getPrompt().length() + 2);
            assertThat(c.completionTokens()).isEqualTo(1L);
        }
        assertThat(sawMoreThanTwo).as("the sample includes a question with more than two choices").isTrue();
    }

    @Test
    void theSameRequestGetsTheSameProbabilitiesAgain() throws Exception {
        LocalBackend backend = LocalBackend.fromParams(params());
        ModelRequest r = requests().get(0);
        Map<String, Double> first = backend.answer(r).choiceLogprobs();
        Map<String, Double> again = backend.answer(r).choiceLogprobs();
        assertThat(again.keySet()).isEqualTo(first.keySet());
        first.forEach((letter, lp) -> assertThat(again.get(letter)).isCloseTo(lp, org.assertj.core.data.Offset.offset(1e-4)));
    }

    @Test
    void generateScoringReturnsTheGreedyContinuationAsText() throws Exception {
        LocalBackend backend = LocalBackend.fromParams(params("scoring", "generate", "max_tokens", "6"));
        ModelRequest r = requests().get(1);
        Completion c = backend.submit(r, Runnable::run).get();
        assertThat(c.text()).isNotNull();
        assertThat(c.choiceLogprobs()).isEmpty();
        assertThat(backend.complete(r)).as("greedy: deterministic").isEqualTo(c.text());
        assertThat(c.promptTokens()).isPositive();
        assertThat(c.completionTokens()).as("generated tokens, re-tokenized").isBetween(0L, 6L + 1);
    }

    @Test
    void aPromptLongerThanTheContextFailsPermanentlyInsteadOfBeingTruncated() throws Exception {
        LocalBackend backend = LocalBackend.fromParams(params("ctx_size", "32"));
        assertThatThrownBy(() -> backend.answer(requests().get(0)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("raise ctx_size");
    }

    @Test
    void badParamsAreRejectedByName() {
        assertThatThrownBy(() -> LocalSettings.fromParams(Map.of("path", "/nonexistent/x.gguf")))
                .hasMessageContaining("is not a readable file");
        assertThatThrownBy(() -> LocalSettings.fromParams(params("scoring", "vibes")))
                .hasMessageContaining("scoring must be logprobs or generate");
        assertThatThrownBy(() -> LocalSettings.fromParams(params("parallel", "0")))
                .hasMessageContaining("parallel must be a positive integer");
        assertThatThrownBy(() -> LocalSettings.fromParams(params("temprature", "1")))
                .hasMessageContaining("unknown parameter 'temprature'");
        assertThat(LocalSettings.fromParams(params()).scoring()).isEqualTo(LocalSettings.Scoring.LOGPROBS);
        assertThat(LocalSettings.fromParams(params()).answerPrefix()).isEqualTo(" (");
    }
}
