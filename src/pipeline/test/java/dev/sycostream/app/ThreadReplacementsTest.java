package dev.sycostream.app;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadReplacementsTest {
    @Test
    void delaysGrowToACapAndTheBudgetIsSpentWithinTheWindowThenRenewed() {
        AtomicLong now = new AtomicLong();
        ThreadReplacements r = new ThreadReplacements(now::get);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < ThreadReplacements.MAX_IN_WINDOW; i++) {
            delays.add(r.nextDelayMs());
        }
        assertThat(delays.subList(0, 6)).containsExactly(250L, 500L, 1_000L, 2_000L, 4_000L, 5_000L);
        assertThat(delays.subList(6, delays.size())).hasSize(ThreadReplacements.MAX_IN_WINDOW - 6).containsOnly(5_000L);
        assertThat(r.nextDelayMs()).as("spent").isEqualTo(-1);
        now.addAndGet(ThreadReplacements.WINDOW.toNanos() + 1);
        assertThat(r.nextDelayMs()).as("a new window").isEqualTo(250L);
    }
}
