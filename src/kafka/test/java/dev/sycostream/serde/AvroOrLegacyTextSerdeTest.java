package dev.sycostream.serde;

import dev.sycostream.avro.MetricCounts;
import dev.sycostream.registry.MockSchemaRegistryClient;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Avro written, Avro or legacy text read: the magic byte decides. Shown with a made-up legacy format of
 * {@link MetricCounts}, "count/n".
 */
class AvroOrLegacyTextSerdeTest {
    private static final String SCOPE = "avro-or-legacy-text";
    private static final String TOPIC = "app-some-store-changelog";
    private final List<String> legacySeen = new CopyOnWriteArrayList<>();
    private final Serde<MetricCounts> serde = new AvroOrLegacyTextSerde<>(
            AvroSerdes.specific(MetricCounts.class, Map.of("schema.registry.url", "mock://" + SCOPE), false),
            this::parseCountSlashN);

    private MetricCounts parseCountSlashN(String text) {
        legacySeen.add(text);
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("no '/'");
        }
        return new MetricCounts(Long.parseLong(text.substring(0, slash)), Long.parseLong(text.substring(slash + 1)), 0.0, 0L);
    }

    @AfterContainer
    static void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Provide
    Arbitrary<MetricCounts> counts() {
        return Arbitraries.longs().tuple4().map(t -> new MetricCounts(t.get1(), t.get2(), (double) t.get3(), t.get4()));
    }

    @Property(tries = 200)
    void writesAvroInTheWireFormatAndReadsItBackWithoutTheLegacyParser(@ForAll("counts") MetricCounts c) {
        byte[] bytes = serde.serializer().serialize(TOPIC, c);
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(AvroOrLegacyTextSerde.isAvro(bytes)).isTrue();
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(c);
        assertThat(legacySeen).isEmpty();
    }

    @Property(tries = 200)
    void anyOtherFirstByteIsLegacyTextHandedToTheParserAsIs(@ForAll long count, @ForAll long n) {
        String text = count + "/" + n;
        MetricCounts read = serde.deserializer().deserialize(TOPIC, text.getBytes(StandardCharsets.UTF_8));
        assertThat(read.getCount()).isEqualTo(count);
        assertThat(read.getN()).isEqualTo(n);
        assertThat(legacySeen).containsExactly(text);
        legacySeen.clear();
    }

    @Example
    void nullIsNullAndEmptyBytesAreLegacyText() {
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("no '/'");
        assertThat(legacySeen).containsExactly("");
    }

    @Example
    void legacyTextTheParserRejectsIsASerializationExceptionNamingTopicReasonAndText() {
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, "12-3".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC).hasMessageContaining("no '/'").hasMessageContaining("'12-3'");
    }

    @Example
    void aMagicByteIsNeverLegacyTextEvenWhenTheAvroIsBad() {
        byte[] unknownSchema = {0, 0x7f, 0, 0, 1, 2};
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, unknownSchema))
                .isInstanceOf(SerializationException.class).hasMessageContaining(TOPIC);
        assertThat(legacySeen).isEmpty();
    }
}
