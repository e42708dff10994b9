package dev.sycostream.worker.backend.openai;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiSettingsTest {
    @Test
    void defaultsAndEndpoints() {
        OpenAiSettings s = OpenAiSettings.fromParams(Map.of("base_url", "http://localhost:8000", "model", "m"));
        assertThat(s.endpoint()).hasToString("http://localhost:8000/v1/chat/completions");
        assertThat(s.api()).isEqualTo(OpenAiSettings.Api.CHAT);
        assertThat(s.scoring()).isEqualTo(OpenAiSettings.Scoring.GENERATE);
        assertThat(s.temperature()).isZero();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
        OpenAiSettings c = OpenAiSettings.fromParams(Map.of("base_url", "http://h:11434/v1/", "model", "m",
                "api", "completions", "scoring", "logprobs"));
        assertThat(c.endpoint()).hasToString("http://h:11434/v1/completions");
    }

    @Test
    void badParamsAreNamed() {
        assertThatThrownBy(() -> OpenAiSettings.fromParams(Map.of("model", "m")))
                .hasMessage("base_url is required");
        assertThatThrownBy(() -> OpenAiSettings.fromParams(Map.of("base_url", "ftp://x", "model", "m")))
                .hasMessageContaining("must be an http:// or https:// URL");
        assertThatThrownBy(() -> OpenAiSettings.fromParams(Map.of("base_url", "http://x", "model", "m", "api", "embeddings")))
                .hasMessage("api must be one of [chat, completions], got 'embeddings'");
        assertThatThrownBy(() -> OpenAiSettings.fromParams(Map.of("base_url", "http://x", "model", "m", "temprature", "0")))
                .hasMessageStartingWith("unknown parameter 'temprature'");
        assertThatThrownBy(() -> OpenAiSettings.fromParams(Map.of("base_url", "http://x", "model", "m", "max_tokens", "0")))
                .hasMessage("max_tokens must be a positive integer, got '0'");
        assertThatThrownBy(() -> ApiKey.load(OpenAiSettings.fromParams(
                Map.of("base_url", "http://x", "model", "m", "api_key_env", "NO_SUCH_VAR_SYCOSTREAM")), n -> null))
                .hasMessageContaining("NO_SUCH_VAR_SYCOSTREAM");
    }

    @Test
    void apiKeyFromTheEnvironmentIsRedacted() {
        var s = OpenAiSettings.fromParams(Map.of("base_url", "http://x", "model", "m", "api_key_env", "MY_KEY"));
        ApiKey key = ApiKey.load(s, n -> n.equals("MY_KEY") ? "sk-abc" : null).orElseThrow();
        assertThat(key.bearer()).isEqualTo("Bearer sk-abc");
        assertThat(key.toString()).doesNotContain("sk-abc");
        assertThat(key.redact("bad key sk-abc")).isEqualTo("bad key [redacted]");
    }

    @Test
    void choiceTokensMapSpellingsToLetters() {
        assertThat(ChoiceTokens.letterOf(" B", 2)).contains("B");
        assertThat(ChoiceTokens.letterOf("(A", 2)).contains("A");
        assertThat(ChoiceTokens.letterOf("A)", 2)).contains("A");
        assertThat(ChoiceTokens.letterOf(" C", 2)).isEmpty();
        assertThat(ChoiceTokens.letterOf(" C", 3)).contains("C");
        assertThat(ChoiceTokens.letterOf(" (", 2)).isEmpty();
        assertThat(ChoiceTokens.letterOf(" b", 2)).isEmpty();
        assertThat(ChoiceTokens.letterOf(" Agree", 2)).isEmpty();
        var letters = ChoiceTokens.letters(List.of(new ChoiceTokens.TokenLogprob("A", Math.log(0.2)),
                new ChoiceTokens.TokenLogprob(" A", Math.log(0.3)), new ChoiceTokens.TokenLogprob(" B", Math.log(0.4))), 2);
        assertThat(Math.exp(letters.get("A"))).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ChoiceTokens.best(letters)).isEqualTo("A");
    }

    @Test
    void retryAfterSecondsAndDates() {
        Instant now = Instant.parse("2026-11-27T05:00:00Z");
        assertThat(RetryAfter.parse("3", now)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 05:00:07 GMT", now)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("100000", now)).contains(RetryAfter.MAX);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEqualTo(Optional.empty());
    }

    @Test
    void rateLimiterSpacesReservations() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        RateLimiter limiter = new RateLimiter(10, clock::get);
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(100_000_000L);
        assertThat(limiter.reserve()).isEqualTo(200_000_000L);
        clock.addAndGet(1_000_000_000L); // idle for a second: no debt carried over
        assertThat(limiter.reserve()).isZero();
        assertThat(new RateLimiter(0, clock::get).reserve()).isZero();
    }
}
