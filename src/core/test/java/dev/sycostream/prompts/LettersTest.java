package dev.sycostream.prompts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LettersTest {

    @Test
    void convertsBetweenIndexAndLetter() {
        assertThat(Letters.of(0)).isEqualTo("A");
        assertThat(Letters.of(25)).isEqualTo("Z");
        assertThat(Letters.indexOf("C")).isEqualTo(2);
        assertThat(Letters.indexOf("c")).isEqualTo(-1);
        assertThat(Letters.indexOf("AB")).isEqualTo(-1);
        assertThat(Letters.indexOf(null)).isEqualTo(-1);
        assertThat(Letters.isWithin("B", 2)).isTrue();
        assertThat(Letters.isWithin("C", 2)).isFalse();
        assertThatThrownBy(() -> Letters.of(26)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsAnswerFields() {
        assertThat(Letters.fromAnswerField(" (A)")).contains("A");
        assertThat(Letters.fromAnswerField("(B)")).contains("B");
        assertThat(Letters.fromAnswerField("C")).contains("C");
        assertThat(Letters.fromAnswerField(" (AB)")).isEmpty();
        assertThat(Letters.fromAnswerField(" (a)")).isEmpty();
        assertThat(Letters.fromAnswerField("Agree")).isEmpty();
        assertThat(Letters.fromAnswerField("")).isEmpty();
        assertThat(Letters.fromAnswerField(null)).isEmpty();
    }
}
