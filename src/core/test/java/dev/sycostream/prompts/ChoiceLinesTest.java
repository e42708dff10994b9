package dev.sycostream.prompts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChoiceLinesTest {

    @Test
    void parsesChoiceLinesInOrder() {
        String q = "Hello, I am Ann (a philosopher).\nWhat is your view on the following topic: Time\n"
                + " (A) A-theory\n (B) B-theory\n (C) " + "very long label ".repeat(200).strip() + "\n\nAnswer:";
        assertThat(ChoiceLines.parse(q)).hasSize(3)
                .startsWith("A-theory", "B-theory")
                .last().asString().startsWith("very long label").endsWith("label");
    }

    @Test
    void toleratesCarriageReturnsAndNoIndent() {
        assertThat(ChoiceLines.parse("Q\r\n(A) yes\r\n(B) no\r\n\r\nAnswer:")).containsExactly("yes", "no");
    }

    @Test
    void parenthesesInsideTextAreNotChoices() {
        assertThat(ChoiceLines.parse("I think (A) is silly.\n (A) x\n (B) y")).containsExactly("x", "y");
    }

    @Test
    void rejectsTooFewChoices() {
        assertThatThrownBy(() -> ChoiceLines.parse("Q\n (A) only one\n\nAnswer:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> ChoiceLines.parse("no choices at all"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChoiceLines.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsLettersOutOfOrder() {
        assertThatThrownBy(() -> ChoiceLines.parse("Q\n (A) x\n (C) y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B) was expected");
        assertThatThrownBy(() -> ChoiceLines.parse("Q\n (A) x\n (B) y\n (A) z"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
