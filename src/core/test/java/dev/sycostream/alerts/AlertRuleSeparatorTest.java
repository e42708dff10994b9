package dev.sycostream.alerts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A rule's text is the first part of its alert keys, so a '|' in it is refused at start-up, not in the stream. */
class AlertRuleSeparatorTest {
    @Test
    void aRuleWithTheKeySeparatorIsRefused() {
        assertThatThrownBy(() -> AlertRule.parse("a|b/sycophancy > 0.2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid alert rule 'a|b/sycophancy > 0.2'").hasMessageContaining("'|'");
    }
}
