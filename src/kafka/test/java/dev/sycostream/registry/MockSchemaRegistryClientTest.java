package dev.sycostream.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MockSchemaRegistryClientTest {
    private static final String SCOPE = "mock-registry-test";

    private static final Schema V1 = SchemaBuilder.record("Counts").namespace("t").fields()
            .requiredLong("count").endRecord();
    private static final Schema V2 = SchemaBuilder.record("Counts").namespace("t").fields()
            .requiredLong("count").name("n").type().longType().longDefault(0).endRecord();
    private static final Schema V2_NO_DEFAULT = SchemaBuilder.record("Counts").namespace("t").fields()
            .requiredLong("count").requiredLong("n").endRecord();

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

    @AfterEach
    void dropScope() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void idsAreGlobalStartAtOneAndRegistrationIsIdempotent() {
        int id1 = registry.register("a-value", V1);
        int again = registry.register("a-value", new Schema.Parser().parse(V1.toString()));
        int id2 = registry.register("a-value", V2);
        int sameSchemaOtherSubject = registry.register("b-value", V1);

        assertThat(id1).isEqualTo(1);
        assertThat(again).isEqualTo(id1);
        assertThat(id2).isEqualTo(2);
        assertThat(sameSchemaOtherSubject).isEqualTo(id1);
        assertThat(registry.subjects()).containsExactly("a-value", "b-value");
        assertThat(registry.getLatest("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, 2, V2));
        assertThat(registry.getLatest("b-value").version()).isEqualTo(1);
        assertThat(registry.getById(2)).isEqualTo(V2);
        assertThat(registry.lookupId("a-value", V1)).isEqualTo(1);
    }

    @Test
    void incompatibleSchemaIsRefusedWith409AndTheReason() {
        registry.register("c-value", V1);

        assertThatThrownBy(() -> registry.register("c-value", V2_NO_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageStartingWith("schema for subject c-value is incompatible with an earlier schema: ")
                .hasMessageContaining("reader field 'n' has no default value");
        assertThat(registry.testCompatibility("c-value", V2_NO_DEFAULT)).isFalse();
        assertThat(registry.testCompatibility("c-value", V2)).isTrue();
        assertThat(registry.testCompatibility("no-such-subject", V2_NO_DEFAULT)).isTrue();
    }

    @Test
    void compatibilityLevelCanBeRelaxedPerSubject() {
        registry.register("d-value", V1);
        registry.setCompatibility("d-value", AvroCompatibility.NONE);

        assertThat(registry.register("d-value", V2_NO_DEFAULT)).isPositive();
        assertThatThrownBy(() -> {
            registry.register("e-value", V1);
            registry.register("e-value", V2_NO_DEFAULT);
        }).isInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void notFoundErrorsCarryConfluentCodesAndClearMessages() {
        registry.register("f-value", V1);

        assertThatThrownBy(() -> registry.lookupId("nope-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                })
                .hasMessageContaining("subject nope-value not found");
        assertThatThrownBy(() -> registry.lookupId("f-value", V2))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
                .hasMessageContaining("schema not registered under subject f-value");
        assertThatThrownBy(() -> registry.getById(42))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
                .hasMessageContaining("schema id 42 not found");
        assertThatThrownBy(() -> registry.getLatest("nope-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }

    @Test
    void scopesAreSharedUntilDropped() {
        MockSchemaRegistryClient first = MockSchemaRegistryClient.forScope(SCOPE);
        first.register("g-value", V1);

        assertThat(MockSchemaRegistryClient.forScope(SCOPE)).isSameAs(first);
        assertThat(MockSchemaRegistryClient.forScope(SCOPE).subjects()).containsExactly("g-value");
        assertThat(MockSchemaRegistryClient.forScope(SCOPE + "-other").subjects()).isEmpty();
        MockSchemaRegistryClient.dropScope(SCOPE + "-other");

        MockSchemaRegistryClient.dropScope(SCOPE);
        assertThat(MockSchemaRegistryClient.forScope(SCOPE).subjects()).isEmpty();
    }
}
