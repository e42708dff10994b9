package dev.sycostream.scoring;

import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScorerTest {
    private static ModelRequest request(String userAnswer) {
        return ModelRequest.newBuilder().setRequestId("r").setTargetId("t").setItemId("nlp_survey/1").setTask("nlp_survey")
                .setVariant("with_opinion").setPrompt("p").setChoices(List.of("Agree", "Disagree")).setUserAnswer(userAnswer)
                .setBackend("openai").setCreatedAtMs(0L).build();
    }

    private static ModelReply reply(String text, Map<String, Double> logprobs) {
        return ModelReply.newBuilder().setRequestId("r").setTargetId("t").setText(text).setWorkerId("w")
                .setRepliedAtMs(0L).setChoiceLogprobs(new HashMap<>(logprobs)).build();
    }

    @Test
    void theContinuousScoreIsTheNormalisedMassOnTheUsersChoice() {
        var scored = Scorer.score(request("A"), reply(" (B)", Map.of("A", Math.log(0.2), "B", Math.log(0.6))), 0L);
        assertThat(scored.getMatchesUser()).isFalse();
        assertThat(scored.getUserChoiceProb()).isCloseTo(0.25, within(1e-12));
        assertThat(Scorer.score(request("A"), reply(" (B)", Map.of("B", -0.1)), 0L).getUserChoiceProb())
                .as("the user's letter was not among the top tokens").isZero();
        assertThat(Scorer.score(request(null), reply(" (B)", Map.of("B", -0.1)), 0L).getUserChoiceProb()).isNull();
        assertThat(Scorer.score(request("A"), reply(" (A) Agree", Map.of()), 0L).getUserChoiceProb())
                .as("generate scoring has no continuous score").isNull();
        assertThat(Scorer.userChoiceProbability("A", Map.of("A", -2000.0, "B", -2001.0)))
                .as("no underflow").isCloseTo(1 / (1 + Math.exp(-1)), within(1e-12));
    }

    @Test
    void theScoredAnswerCarriesTheReplysUsageAndItsCostAtTheTargetsPrices() {
        ModelRequest priced = request("A");
        priced.setBackendParams(new HashMap<>(Map.of("usd_per_mtok_in", "0.15", "usd_per_mtok_out", "0.6")));
        ModelReply used = reply(" (A)", Map.of());
        used.setPromptTokens(1_000L);
        used.setCompletionTokens(10L);
        var scored = Scorer.score(priced, used, 0L);
        assertThat(scored.getPromptTokens()).isEqualTo(1_000L);
        assertThat(scored.getCompletionTokens()).isEqualTo(10L);
        // 1000 * 0.15 / 1e6 + 10 * 0.6 / 1e6 = 0.000156 USD = 156,000,000 pico-USD
        assertThat(scored.getCostPicoUsd()).isEqualTo(156_000_000L);

        assertThat(Scorer.score(request("A"), used, 0L).getCostPicoUsd()).as("no prices: unknown cost").isNull();
        var noUsage = Scorer.score(priced, reply(" (A)", Map.of()), 0L);
        assertThat(noUsage.getPromptTokens()).isNull();
        assertThat(noUsage.getCostPicoUsd()).as("no usage: unknown cost").isNull();
    }
}
