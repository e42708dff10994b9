package dev.sycostream.registry;

import dev.sycostream.registry.RegistryFailure.Kind;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** One classification of registry failures for the worker and the Streams handlers alike. */
class RegistryFailureTest {

    private static RegistryFailure answered(int status, int errorCode, String registryMessage) {
        // Through the same translation the HTTP client and the mock use, so the message is the one callers see.
        return RegistryFailure.of(RegistryErrors.fromAnswer("http://r", "s-value", null, status, errorCode,
                registryMessage));
    }

    @ParameterizedTest(name = "HTTP {0} (error_code {1}) -> {2}")
    @CsvSource({
            "500, 50001, SERVER_ERROR, false",
            "502, 502, SERVER_ERROR, false",
            "503, 503, SERVER_ERROR, false",
            "504, 50002, SERVER_ERROR, false",
            "408, 408, SERVER_ERROR, false",
            "429, 429, SERVER_ERROR, false",
            "401, 401, AUTH, false",
            "403, 403, AUTH, false",
            "404, 40403, NOT_FOUND, true",
            "404, 404, NOT_FOUND, false",
            "404, 40401, NOT_FOUND, false",
            "404, 40402, NOT_FOUND, false",
            "422, 42201, OTHER, false",
            "400, 400, OTHER, false",
    })
    void eachStatusHasItsKindAndOnlyAnUnknownSchemaBlamesTheRecord(int status, int errorCode, Kind kind,
                                                                   boolean blamesRecord) {
        RegistryFailure f = answered(status, errorCode, "whatever the registry said");
        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.blamesRecord()).isEqualTo(blamesRecord);
    }

    @Test
    void noAnswerAtAllIsUnreachable() {
        RegistryFailure f = RegistryFailure.of(RegistryErrors.unreachable("http://r",
                new java.net.ConnectException("Connection refused")));
        assertThat(f.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(f.isTransient()).isTrue();
        assertThat(f.blamesRecord()).isFalse();
    }

    @ParameterizedTest(name = "409 error_code {0}: \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
            // Confluent
            "409   | Schema being registered is incompatible with an earlier schema for subject \"s-value\" | INCOMPATIBLE",
            // the reason alone, under Confluent's code (our stub tests and some proxies)
            "409   | reader field 'x' has no default value                                    | INCOMPATIBLE",
            // Karapace
            "409   | Incompatible schema, compatibility_mode=BACKWARD                          | INCOMPATIBLE",
            // an empty body: the code defaults to the status, as it always meant incompatible
            "409   | ''                                                                       | INCOMPATIBLE",
            // Apicurio's ccompat API after two concurrent first registrations of a subject
            "409   | An artifact with ID 's-value' in group 'null' already exists.           | CONFLICT",
            "409   | The group default already exists                                         | CONFLICT",
            "409   | An artifact with ID 'incompatible-value' in group 'null' already exists. | CONFLICT",
            // another conflict code, not Confluent's "incompatible"
            "40901 | concurrent modification of subject s-value                               | CONFLICT",
    })
    void a409IsAnIncompatibilityOnlyWhenItSaysSo(int errorCode, String body, Kind kind) {
        RegistryFailure f = answered(409, errorCode, body);
        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.blamesRecord()).isFalse();
        if (kind == Kind.CONFLICT) {
            assertThat(f.cause().getMessage()).doesNotContain("is incompatible").contains("409 (conflict");
            assertThat(f.isTransient()).isTrue();
        } else {
            assertThat(f.cause().getMessage()).startsWith("schema for subject s-value is incompatible");
            assertThat(f.cause().errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
        }
    }

    @Test
    void isFoundAmongTheCausesAndOnlyThere() {
        var wrapped = new SerializationException("topic t: cannot fetch schema id 1",
                new SchemaRegistryException("down", 503, 503));
        assertThat(RegistryFailure.in(wrapped)).map(RegistryFailure::kind).contains(Kind.SERVER_ERROR);
        assertThat(RegistryFailure.mustNotDeadLetter(wrapped)).isTrue();

        var unknownId = new SerializationException("topic t: schema id 9 not found",
                new SchemaRegistryException("not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThat(RegistryFailure.mustNotDeadLetter(unknownId)).isFalse();

        var garbage = new SerializationException("unknown magic byte 9");
        assertThat(RegistryFailure.in(garbage)).isEmpty();
        assertThat(RegistryFailure.mustNotDeadLetter(garbage)).isFalse();
    }
}
