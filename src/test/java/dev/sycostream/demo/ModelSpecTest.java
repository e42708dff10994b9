package dev.sycostream.demo;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSpecTest {
    @Test
    void parsesNameUrlAndOptions() {
        ModelSpec spec = ModelSpec.parse("llama=http://127.0.0.1:8000/v1,model=meta-llama/Llama-3.1-8B,api=completions,scoring=logprobs");
        assertThat(spec.name()).isEqualTo("llama");
        assertThat(spec.backend()).isEqualTo("openai");
        assertThat(spec.params()).containsExactlyInAnyOrderEntriesOf(Map.of("base_url", "http://127.0.0.1:8000/v1",
                "model", "meta-llama/Llama-3.1-8B", "api", "completions", "scoring", "logprobs"));
        assertThat(ModelSpec.parse("qwen=http://localhost:11434").params()).containsEntry("model", "qwen");
    }

    @Test
    void rejectsWhatTheWorkerWouldReject() {
        assertThatThrownBy(() -> ModelSpec.parse("llama")).hasMessageContaining("expected NAME=BASE_URL");
        assertThatThrownBy(() -> ModelSpec.parse("llama=http://h,scoring=vibes"))
                .hasMessage("invalid --model 'llama=http://h,scoring=vibes': scoring must be one of [generate, logprobs], got 'vibes'");
        assertThatThrownBy(() -> ModelSpec.parse("my model=http://h")).hasMessageContaining("invalid target id");
    }
}
