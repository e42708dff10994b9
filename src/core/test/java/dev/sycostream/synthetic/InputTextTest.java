package dev.sycostream.synthetic;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputTextTest {
    @Test
    void quotesAndNewlinesAreRemovedThenStrippedAndQuoted() {
        assertThat(InputText.format(List.of("A \"b\"\n", " c"))).isEqualTo("\"A b\" and \"c\"");
    }

    @Test
    void singleField() {
        assertThat(InputText.format(List.of("  it was fine  "))).isEqualTo("\"it was fine\"");
    }

    @Test
    void carriageReturnsAndNewlinesInsideAreRemovedNotReplaced() {
        assertThat(InputText.format(List.of("one\r\ntwo", "x\ny\rz"))).isEqualTo("\"onetwo\" and \"xyz\"");
    }

    @Test
    void stripHappensAfterRemoval() {
        // the newline and quote go first, so the space they hid is stripped too
        assertThat(InputText.format(List.of("\" padded \"\n"))).isEqualTo("\"padded\"");
    }

    @Test
    void threeFieldsAreAllJoinedWithAnd() {
        assertThat(InputText.format(List.of("a", "b", "c"))).isEqualTo("\"a\" and \"b\" and \"c\"");
    }

    @Test
    void emptyOrNullIsRefused() {
        assertThatThrownBy(() -> InputText.format(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InputText.format(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
