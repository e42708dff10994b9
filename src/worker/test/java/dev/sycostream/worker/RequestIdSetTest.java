package dev.sycostream.worker;

import dev.sycostream.prompts.RequestIds;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdSetTest {
    private static String id(int i) {
        return RequestIds.of("base@v" + (i % 3), "addition/" + i, i % 2 == 0 ? "with_opinion" : "no_opinion");
    }

    @Test
    void holdsExactlyTheIdsAddedThroughManyGrowths() {
        RequestIdSet set = new RequestIdSet();
        int n = 200_000;
        for (int i = 0; i < n; i += 2) {
            assertThat(set.add(id(i))).isTrue();
        }
        assertThat(set.add(id(0))).as("a second add of the same id").isFalse();
        assertThat(set.size()).isEqualTo(n / 2);
        for (int i = 0; i < n; i++) {
            assertThat(set.contains(id(i))).as(id(i)).isEqualTo(i % 2 == 0);
        }
    }

    @Test
    void takesAFractionOfTheHeapOfAHashSetOfTheIds() {
        int n = 300_000;
        long compact = retainedBytes(n, ids -> {
            RequestIdSet set = new RequestIdSet();
            for (int i = 0; i < n; i++) {
                set.add(id(i));
            }
            ids.accept(set);
        });
        long strings = retainedBytes(n, ids -> {
            Set<String> set = new HashSet<>();
            for (int i = 0; i < n; i++) {
                set.add(id(i));
            }
            ids.accept(set);
        });
        System.err.printf("RequestIdSet: %.1f bytes/id, HashSet<String>: %.1f bytes/id%n",
                (double) compact / n, (double) strings / n);
        assertThat((double) compact / n).isLessThan(60);
        assertThat(strings).isGreaterThan(2 * compact);
    }

    /** Heap still in use after building a structure with {@code build} and keeping it reachable. */
    private static long retainedBytes(int n, Consumer<Consumer<Object>> build) {
        Object[] keep = new Object[1];
        long before = usedAfterGc();
        build.accept(o -> keep[0] = o);
        long after = usedAfterGc();
        assertThat(keep[0]).isNotNull();
        return after - before;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
