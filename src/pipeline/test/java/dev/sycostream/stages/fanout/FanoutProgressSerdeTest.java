package dev.sycostream.stages.fanout;

import dev.sycostream.avro.FanoutProgressState;
import dev.sycostream.registry.MockSchemaRegistryClient;
import dev.sycostream.serde.WireFormat;
import dev.sycostream.topics.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The value serde of {@code prompts-fanout-progress-store}: progress round-trips as Avro, and the text earlier
 * versions stored ("registeredAt|done|cursor", the cursor an open tail) reads as the same progress.
 */
class FanoutProgressSerdeTest {
    private static final String SCOPE = "fanout-progress-serde";
    private static final String CHANGELOG = "app-prompts-fanout-progress-store-changelog";
    private static final Serde<FanoutProgressState> SERDE =
            RequestFanoutStage.progressSerde(new Topics(Map.of("schema.registry.url", "mock://" + SCOPE)));

    @AfterContainer
    static void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    /** Item keys: any text, often with the separator '|' in it, sometimes empty (before the first item). */
    @Provide
    Arbitrary<String> cursors() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars("|ab-_0").ofMaxLength(12));
    }

    private static FanoutProgressState read(byte[] bytes) {
        return SERDE.deserializer().deserialize(CHANGELOG, bytes);
    }

    @Property(tries = 300)
    void progressRoundTripsAsAvro(@ForAll long registeredAt, @ForAll boolean done, @ForAll("cursors") String cursor) {
        FanoutProgress p = new FanoutProgress(registeredAt, done, cursor);
        byte[] bytes = SERDE.serializer().serialize(CHANGELOG, p.toState());
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(FanoutProgress.fromState(read(bytes))).isEqualTo(p);
    }

    @Property(tries = 300)
    void theLegacyTextReadsAsTheSameProgress(@ForAll long registeredAt, @ForAll boolean done, @ForAll("cursors") String cursor) {
        // exactly what FanoutProgress.encode() wrote before the store held Avro
        String legacy = registeredAt + "|" + done + "|" + cursor;
        assertThat(read(legacy.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new FanoutProgressState(registeredAt, done, cursor));
    }

    @Example
    void legacyTextAsEarlierVersionsWroteIt() {
        assertThat(read("1700000000000|false|".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new FanoutProgressState(1_700_000_000_000L, false, ""));
        assertThat(read("5|true|odd|item|id".getBytes(StandardCharsets.UTF_8)).getCursor()).isEqualTo("odd|item|id");
        assertThat(read(null)).isNull();
    }

    @Example
    void malformedLegacyTextIsAClearErrorNamingTheTopicAndTheText() {
        assertThatThrownBy(() -> read("5|false".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(CHANGELOG).hasMessageContaining("expected 3").hasMessageContaining("'5|false'");
        assertThatThrownBy(() -> read("5|yes|k".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("done is 'yes'");
        assertThatThrownBy(() -> read("soon|true|k".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("registeredAt 'soon' is not a number");
    }
}
