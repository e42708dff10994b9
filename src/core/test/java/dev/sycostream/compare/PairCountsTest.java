package dev.sycostream.compare;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Counts updated one item change at a time equal the counts recomputed from every item's outcome. */
class PairCountsTest {
    @Test
    void incrementalUpdatesEqualTheRecountAfterEveryChange() {
        Random r = new Random(11);
        Map<String, Boolean> base = new HashMap<>();
        Map<String, Boolean> candidate = new HashMap<>();
        PairCounts counts = PairCounts.ZERO;
        for (int step = 0; step < 20_000; step++) {
            boolean isBase = r.nextBoolean();
            Map<String, Boolean> side = isBase ? base : candidate;
            Map<String, Boolean> other = isBase ? candidate : base;
            String item = "i" + r.nextInt(40);
            Boolean before = side.get(item);
            int pick = r.nextInt(3); // a hit, a miss, or taken back (a retraction)
            Boolean after = pick == 0 ? Boolean.TRUE : pick == 1 ? Boolean.FALSE : null;
            if (after == null) {
                side.remove(item);
            } else {
                side.put(item, after);
            }
            counts = counts.withChange(isBase, before, after, other.get(item));
            assertThat(counts).as("step " + step).isEqualTo(CheckpointComparison.count(base, candidate));
        }
    }
}
