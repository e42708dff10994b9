package dev.sycostream.datasets;

import dev.sycostream.input.ReadResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void classificationBuiltIn() throws IOException {
        Path file = dir.resolve("snli.jsonl");
        Files.writeString(file, "{\"premise\":\"P one\",\"hypothesis\":\"H one\",\"label\":2}\n"
                + "{\"premise\":\"P two\",\"hypothesis\":\"H two\",\"label\":-1}\n"
                + "{\"premise\":\"P three\",\"hypothesis\":\"H three\",\"label\":0}\n"
                + "{\"premise\":\"P one\",\"hypothesis\":\"H one\",\"label\":0}\n");
        DatasetSpec spec = DatasetSpec.parse("classification:snli=" + file);
        assertThat(spec).isEqualTo(new DatasetSpec.Classification("snli", file, null));
        assertThat(((DatasetSpec.Classification) spec).heldoutFraction()).isEqualTo(0.1);

        ReadResult result = spec.load(5L, 99L);
        assertThat(result.items()).extracting(i -> i.getSourceLine()).containsExactly(1, 3);
        assertThat(result.items()).extracting(i -> i.getSourceSha256()).containsOnly(
                dev.sycostream.identity.ItemIdentity.sha256Hex(Files.readAllBytes(file)));
        assertThat(result.items().get(0).getSynthetic().getInput()).isEqualTo("\"P one\" and \"H one\"");
        assertThat(result.items().get(0).getSynthetic().getLabel()).isEqualTo("Contradiction");
        assertThat(result.items().get(0).getSource()).isEqualTo(file + ":1");
        assertThat(result.items().get(1).getSource()).isEqualTo(file + ":3");
        assertThat(result.items()).allSatisfy(i -> assertThat(i.getIngestedAtMs()).isEqualTo(99L));
        assertThat(result.rejected()).extracting(r -> r.source() + " " + r.reason()).containsExactly(
                file + ":2 line 2: label -1 is out of range 0..2 for snli",
                file + ":4 input repeats the one at " + file + ":1; each input is used at most once");
        assertThat(spec.load(5L, 99L)).isEqualTo(result);
        assertThat(spec.describe()).contains("snli").contains(file.toString()).contains("10.0% held out");
    }

    @Test
    void classificationHeldoutFractionCanBeChanged() throws IOException {
        Path file = dir.resolve("cola.csv");
        Files.writeString(file, "sentence,label\nOne.,0\nTwo.,1\nThree.,1\n");
        DatasetSpec.Classification all = ((DatasetSpec.Classification) DatasetSpec.parse("classification:glue_cola=" + file))
                .withHeldoutFraction(1.0);
        assertThat(all.load(1L).items()).hasSize(3)
                .allSatisfy(i -> assertThat(i.getTask()).isEqualTo("synthetic_heldout:glue_cola"));
        assertThatThrownBy(() -> all.withHeldoutFraction(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classificationCustomLabels() throws IOException {
        Path file = dir.resolve("mine.jsonl");
        Files.writeString(file, "{\"text\":\"cheap and cheerful\",\"label\":1}\n");
        DatasetSpec spec = DatasetSpec.parse("classification:reviews=" + file, List.of("Bad Review", "Good Review"));
        assertThat(spec).isEqualTo(new DatasetSpec.Classification("reviews", file, List.of("Bad Review", "Good Review")));
        ReadResult result = spec.load(3L);
        assertThat(result.items()).singleElement().satisfies(i -> {
            assertThat(i.getSynthetic().getLabel()).isEqualTo("Good Review");
            assertThat(i.getSynthetic().getDataset()).isEqualTo("reviews");
            assertThat(i.getTask()).isIn("synthetic:reviews", "synthetic_heldout:reviews");
        });
        assertThat(spec.describe()).contains("[Bad Review, Good Review]").contains("[text]");
    }

    @Test
    void classificationErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> DatasetSpec.parse("classification:imdb=/tmp/x.jsonl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown dataset 'imdb'").hasMessageContaining("glue_mnli")
                .hasMessageContaining("label names").hasMessageContaining("classification:DATASET=PATH");
        assertThatThrownBy(() -> DatasetSpec.parse("classification:sst2=/tmp/x.jsonl", List.of("x", "y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("built-in");
        assertThatThrownBy(() -> DatasetSpec.parse("classification:sst2=/tmp/x.tsv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.tsv").hasMessageContaining(".csv");
        assertThatThrownBy(() -> DatasetSpec.parse("classification:my/set=/tmp/x.csv", List.of("x", "y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'my/set'");
        assertThatThrownBy(() -> DatasetSpec.parse("classification:mine=/tmp/x.csv", List.of("only")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two");
        assertThatThrownBy(() -> DatasetSpec.parse("addition", List.of("x", "y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classification:");
        assertThatThrownBy(() -> DatasetSpec.parse("classification:sst2=" + dir.resolve("nope.csv")).load(0))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope.csv");
    }

    @ParameterizedTest
    @ValueSource(strings = {"classification", "classification:", "classification:sst2", "classification:sst2=",
            "classification:=/tmp/a.csv"})
    void malformedClassificationSpecsListTheForms(String bad) {
        assertThatThrownBy(() -> DatasetSpec.parse(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classification:DATASET=PATH");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "additions", "addition:seed=x", "addition:rate=3", "perez", "perez:",
            "perez:nlp_survey", "perez:unknown=/tmp/x", "perez:nlp_survey=", "perez-sample:1", "ADDITION"})
    void rejectsAnythingElseListingTheAcceptedForms(String bad) {
        assertThatThrownBy(() -> DatasetSpec.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("addition:seed=N").hasMessageContaining("perez:TASK=PATH")
                .hasMessageContaining("perez-sample").hasMessageContaining("classification:DATASET=PATH");
        assertThatThrownBy(() -> DatasetSpec.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
