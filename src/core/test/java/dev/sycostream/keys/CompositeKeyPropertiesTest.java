package dev.sycostream.keys;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** build then parse gives the parts back for any parts that pass validation; malformed keys and parts are rejected. */
class CompositeKeyPropertiesTest {

    /** Any strings, with the separator and other punctuation made frequent. */
    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withChars("|ab:@;,\u00e9 ").ofMaxLength(6),
                Arbitraries.of("", "|", "||", "a|b", "cumulative", "PT1M@60000"));
    }

    @Provide
    Arbitrary<String> validPart() {
        return anyText().filter(CompositeKey::isValidPart);
    }

    @Provide
    Arbitrary<List<String>> validParts() {
        return validPart().list().ofMinSize(1).ofMaxSize(6);
    }

    @Property
    void joinThenSplitGivesThePartsBack(@ForAll("validParts") List<String> parts) {
        String key = CompositeKey.join(parts.toArray(String[]::new));
        assertThat(key).isEqualTo(String.join("|", parts));
        assertThat(CompositeKey.split(key, parts.size())).containsExactlyElementsOf(parts);
        if (parts.size() > 1) {
            assertThat(CompositeKey.first(key)).isEqualTo(parts.get(0));
            assertThat(key).startsWith(CompositeKey.prefix(parts.get(0)))
                    .endsWith(CompositeKey.suffix(parts.get(parts.size() - 1)));
        }
    }

    @Property
    void joinWithTailThenSplitGivesThePartsBack(@ForAll("validParts") List<String> heads, @ForAll("anyText") String tail) {
        List<String> parts = new ArrayList<>(heads);
        parts.add(tail);
        String key = CompositeKey.joinWithTail(parts.toArray(String[]::new));
        assertThat(key).isEqualTo(String.join("|", parts));
        assertThat(CompositeKey.splitWithTail(key, parts.size())).containsExactlyElementsOf(parts);
    }

    @Property
    void joinRejectsAnyInvalidPart(@ForAll("validParts") List<String> parts, @ForAll("anyText") String bad,
                                   @ForAll int where) {
        Assume.that(!CompositeKey.isValidPart(bad));
        List<String> withBad = new ArrayList<>(parts);
        withBad.add(Math.floorMod(where, withBad.size() + 1), bad);
        assertThatThrownBy(() -> CompositeKey.join(withBad.toArray(String[]::new)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("part");
    }

    @Property
    void joinRejectsNullParts(@ForAll("validParts") List<String> parts, @ForAll int where) {
        List<String> withNull = new ArrayList<>(parts);
        withNull.add(Math.floorMod(where, withNull.size() + 1), null);
        assertThatThrownBy(() -> CompositeKey.join(withNull.toArray(String[]::new)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is null");
    }

    @Property
    void splitRejectsAKeyOfAnotherNumberOfParts(@ForAll("validParts") List<String> parts, @ForAll int delta) {
        int expected = parts.size() + 1 + Math.floorMod(delta, 3);
        String key = CompositeKey.join(parts.toArray(String[]::new));
        assertThatThrownBy(() -> CompositeKey.split(key, expected))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has " + parts.size() + " part").hasMessageContaining("expected " + expected);
        if (parts.size() > 1) {
            assertThatThrownBy(() -> CompositeKey.split(key, parts.size() - 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected " + (parts.size() - 1));
        }
    }

    @Property
    void splitNeverAcceptsWhatJoinCouldNotHaveWritten(@ForAll("anyText") String key, @ForAll int n) {
        int count = 1 + Math.floorMod(n, 5);
        List<String> parts;
        try {
            parts = CompositeKey.split(key, count);
        } catch (IllegalArgumentException e) {
            return; // rejected: fine
        }
        assertThat(parts).hasSize(count).allMatch(CompositeKey::isValidPart);
        assertThat(CompositeKey.join(parts.toArray(String[]::new))).isEqualTo(key);
    }

    @Property
    void typedKeysRoundTrip(@ForAll("validPart") String a, @ForAll("validPart") String b, @ForAll("validPart") String c,
                            @ForAll("validPart") String d, @ForAll("anyText") String item) {
        assertThat(MetricKey.parse(new MetricKey(a, b, c).encode())).isEqualTo(new MetricKey(a, b, c));
        assertThat(ResultKey.parse(new ResultKey(a, b, c, d).encode())).isEqualTo(new ResultKey(a, b, c, d));
        assertThat(ComparisonKey.parse(new ComparisonKey(a, b, c, d).encode())).isEqualTo(new ComparisonKey(a, b, c, d));
        assertThat(AlertKey.parse(new AlertKey(a, b, c, d).encode())).isEqualTo(new AlertKey(a, b, c, d));
        assertThat(TaskMetricKey.parse(new TaskMetricKey(a, b).encode())).isEqualTo(new TaskMetricKey(a, b));
        assertThat(TargetItemKey.parse(new TargetItemKey(a, item).encode())).isEqualTo(new TargetItemKey(a, item));
    }

    @Property
    void typedKeysRejectInvalidParts(@ForAll("validPart") String ok, @ForAll("anyText") String bad) {
        Assume.that(!CompositeKey.isValidPart(bad));
        assertThatThrownBy(() -> new MetricKey(ok, bad, ok)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("task");
        assertThatThrownBy(() -> new ResultKey(ok, ok, ok, bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new TargetItemKey(bad, ok)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targetId");
    }
}
