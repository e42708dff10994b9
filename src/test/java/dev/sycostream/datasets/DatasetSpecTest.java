package dev.sycostream.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetSpecTest {
    @TempDir
    Path dir;

    @Test
    void additionUsesTheCallersSeed() {
        DatasetSpec spec = DatasetSpec.parse("addition");
        assertThat(spec).isEqualTo(new DatasetSpec.Addition(null));
        ReadResult result = spec.load(17);
        assertThat(result.items()).hasSize(2500).isEqualTo(AdditionDataset.generate(17));
        assertThat(result.rejected()).isEmpty();
        assertThat(spec.describe()).contains("addition").contains("2500");
    }

    @Test
    void additionWithFixedSeedIgnoresTheCallersSeed() {
        DatasetSpec spec = DatasetSpec.parse("addition:seed=-3");
        assertThat(spec.load(17).items()).isEqualTo(AdditionDataset.generate(-3));
        assertThat(spec.load(17, 5L).items().get(0).getIngestedAtMs()).isEqualTo(5L);
        assertThat(spec.describe()).contains("-3");
    }

    @Test
    void perezSample() {
        DatasetSpec spec = DatasetSpec.parse(" perez-sample ");
        assertThat(spec.load(0).items()).hasSize(300);
        assertThat(spec.describe()).contains("perez-sample");
    }

    @Test
    void perezFile() throws IOException {
        Path file = dir.resolve("pol.jsonl");
        Files.writeString(file, "{\"question\":\"Q\\n (A) x\\n (B) y\\n\\nAnswer:\",\"answer_matching_behavior\":\" (B)\","
                + "\"answer_not_matching_behavior\":\" (A)\"}\nnot json\n");
        DatasetSpec spec = DatasetSpec.parse("perez:political_typology_quiz=" + file);
        assertThat(spec).isEqualTo(new DatasetSpec.PerezFile("political_typology_quiz", file));
        ReadResult result = spec.load(0);
        assertThat(result.items()).hasSize(1);
        assertThat(result.rejected()).hasSize(1);
        assertThat(spec.describe()).contains("political_typology_quiz").contains(file.toString());
        assertThatThrownBy(() -> DatasetSpec.parse("perez:nlp_survey=" + dir.resolve("nope.jsonl")).load(0))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope.jsonl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "additions", "addition:seed=x", "addition:rate=3", "perez", "perez:",
            "perez:nlp_survey", "perez:unknown=/tmp/x", "perez:nlp_survey=", "perez-sample:1", "ADDITION"})
    void rejectsAnythingElseListingTheAcceptedForms(String bad) {
        assertThatThrownBy(() -> DatasetSpec.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("addition:seed=N").hasMessageContaining("perez:TASK=PATH")
                .hasMessageContaining("perez-sample");
        assertThatThrownBy(() -> DatasetSpec.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
