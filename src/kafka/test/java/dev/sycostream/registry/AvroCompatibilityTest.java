package dev.sycostream.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroCompatibilityTest {

    private static final Schema V1 = SchemaBuilder.record("Reply").namespace("t").fields()
            .requiredString("id")
            .requiredLong("latency")
            .endRecord();
    private static final Schema WITH_DEFAULTED_FIELD = SchemaBuilder.record("Reply").namespace("t").fields()
            .requiredString("id")
            .requiredLong("latency")
            .name("attempts").type().intType().intDefault(1)
            .endRecord();
    private static final Schema WITH_REQUIRED_FIELD = SchemaBuilder.record("Reply").namespace("t").fields()
            .requiredString("id")
            .requiredLong("latency")
            .requiredString("x")
            .endRecord();
    private static final Schema WITHOUT_LATENCY = SchemaBuilder.record("Reply").namespace("t").fields()
            .requiredString("id")
            .endRecord();

    @Test
    void addingAFieldWithADefaultIsBackwardAndForwardCompatible() {
        assertThat(AvroCompatibility.BACKWARD.incompatibilities(WITH_DEFAULTED_FIELD, List.of(V1))).isEmpty();
        assertThat(AvroCompatibility.FORWARD.isCompatible(WITH_DEFAULTED_FIELD, List.of(V1))).isTrue();
        assertThat(AvroCompatibility.FULL.isCompatible(WITH_DEFAULTED_FIELD, List.of(V1))).isTrue();
    }

    @Test
    void addingAFieldWithoutDefaultIsNotBackwardCompatibleAndSaysWhy() {
        List<String> problems = AvroCompatibility.BACKWARD.incompatibilities(WITH_REQUIRED_FIELD, List.of(V1));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p)
                .contains("reader field 'x' has no default value")
                .contains("the new schema cannot read data written with version 1")
                .startsWith("BACKWARD"));
        // Old readers simply skip the new field: forward is fine.
        assertThat(AvroCompatibility.FORWARD.isCompatible(WITH_REQUIRED_FIELD, List.of(V1))).isTrue();
        assertThat(AvroCompatibility.FULL.isCompatible(WITH_REQUIRED_FIELD, List.of(V1))).isFalse();
    }

    @Test
    void removingAFieldWithoutDefaultIsBackwardButNotForwardCompatible() {
        assertThat(AvroCompatibility.BACKWARD.isCompatible(WITHOUT_LATENCY, List.of(V1))).isTrue();

        List<String> forward = AvroCompatibility.FORWARD.incompatibilities(WITHOUT_LATENCY, List.of(V1));
        assertThat(forward).singleElement().satisfies(p -> assertThat(p)
                .contains("version 1 cannot read data written with the new schema")
                .contains("reader field 'latency' has no default value"));
    }

    @Test
    void changingATypeIsReportedAsATypeMismatch() {
        Schema intId = SchemaBuilder.record("Reply").namespace("t").fields()
                .requiredInt("id").requiredLong("latency").endRecord();

        assertThat(AvroCompatibility.BACKWARD.incompatibilities(intId, List.of(V1)))
                .singleElement().satisfies(p -> assertThat(p).contains("type mismatch").contains("/fields/0/type"));
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersionOthersOnlyTheLatest() {
        Schema v1 = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
        Schema v2 = SchemaBuilder.record("R").fields().endRecord();
        Schema v3 = SchemaBuilder.record("R").fields().name("a").type().intType().intDefault(0).endRecord();
        List<Schema> history = List.of(v1, v2);

        assertThat(AvroCompatibility.BACKWARD.isCompatible(v3, history)).isTrue();
        assertThat(AvroCompatibility.BACKWARD_TRANSITIVE.incompatibilities(v3, history))
                .singleElement().satisfies(p -> assertThat(p).contains("version 1").contains("type mismatch"));
    }

    @Test
    void noneAcceptsAnythingAndAnEmptyHistoryAcceptsAnything() {
        Schema unrelated = SchemaBuilder.record("Other").fields().requiredBoolean("b").endRecord();

        assertThat(AvroCompatibility.NONE.isCompatible(unrelated, List.of(V1))).isTrue();
        assertThat(AvroCompatibility.FULL_TRANSITIVE.isCompatible(unrelated, List.of())).isTrue();
        assertThat(AvroCompatibility.BACKWARD.isCompatible(unrelated, List.of(V1))).isFalse();
    }

    @Test
    void enumLosingASymbolIsExplained() {
        Schema ab = SchemaBuilder.enumeration("E").symbols("A", "B");
        Schema a = SchemaBuilder.enumeration("E").symbols("A");

        assertThat(AvroCompatibility.BACKWARD.incompatibilities(a, List.of(ab)))
                .singleElement().satisfies(p -> assertThat(p).contains("reader enum 'E' lacks the writer's symbols [B]"));
    }

    @Test
    void parsesLevelNamesAndRejectsUnknownOnesClearly() {
        assertThat(AvroCompatibility.parse("full_transitive")).isEqualTo(AvroCompatibility.FULL_TRANSITIVE);
        assertThat(AvroCompatibility.DEFAULT).isEqualTo(AvroCompatibility.BACKWARD);
        assertThatThrownBy(() -> AvroCompatibility.parse("SIDEWAYS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIDEWAYS").hasMessageContaining("BACKWARD_TRANSITIVE");
    }
}
