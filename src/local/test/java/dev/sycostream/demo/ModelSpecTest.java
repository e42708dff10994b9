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
    void ggufPathMeansTheInProcessBackendWithAnAbsolutePath() {
        java.nio.file.Path gguf = dev.sycostream.testing.TinyLlama.path();
        java.nio.file.Path relative = java.nio.file.Path.of("").toAbsolutePath().relativize(gguf);
        ModelSpec spec = ModelSpec.parse("tiny=gguf:" + relative + ",scoring=generate,parallel=2");
        assertThat(spec.backend()).isEqualTo("local");
        assertThat(spec.params()).containsExactlyInAnyOrderEntriesOf(Map.of("path", gguf.toString(),
                "model", "tiny-llama.gguf", "scoring", "generate", "parallel", "2"));
        assertThatThrownBy(() -> ModelSpec.parse("tiny=gguf:/nonexistent/x.gguf"))
                .hasMessageContaining("invalid --model 'tiny=gguf:/nonexistent/x.gguf': path").hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> ModelSpec.parse("tiny=gguf:" + gguf + ",api=chat"))
                .hasMessageContaining("unknown parameter 'api'");
    }

    @Test
    void rejectsWhatTheWorkerWouldReject() {
        assertThatThrownBy(() -> ModelSpec.parse("llama")).hasMessageContaining("expected NAME=BASE_URL");
        assertThatThrownBy(() -> ModelSpec.parse("llama=http://h,scoring=vibes"))
                .hasMessage("invalid --model 'llama=http://h,scoring=vibes': scoring must be one of [generate, logprobs], got 'vibes'");
        assertThatThrownBy(() -> ModelSpec.parse("my model=http://h")).hasMessageContaining("invalid target id");
    }
}
