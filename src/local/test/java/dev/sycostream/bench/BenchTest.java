package dev.sycostream.bench;

import dev.sycostream.avro.DatasetItem;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's bookkeeping (no timing here: the bench itself is the {@code sycostream bench} command). */
class BenchTest {
    @Test
    void itemsAreReIdentifiedAcrossSeedsAndCoverTheAnswers() {
        int items = BenchItems.itemsFor(12_001, 1);
        assertThat(items).isEqualTo(6_001);
        List<DatasetItem> list = BenchItems.generate(items, 5, 0L);
        assertThat(list).hasSize(items);
        Set<String> ids = new HashSet<>();
        list.forEach(i -> ids.add(i.getItemId()));
        assertThat(ids).hasSize(items);
        assertThat(list.get(0).getItemId()).isEqualTo("addition/s5/0000");
        assertThat(list.get(2_500).getItemId()).isEqualTo("addition/s6/0000");
        assertThat(list.get(items - 1).getItemId()).isEqualTo("addition/s7/1000");
    }

    @Test
    void latencyOfTheKthReplyIsTheFirstVisibleCountReachingK() {
        long[] replied = {100, 110, 120, 130};
        List<ResultsTracker.CountAt> counts = List.of(new ResultsTracker.CountAt(300, 1),
                new ResultsTracker.CountAt(500, 3), new ResultsTracker.CountAt(900, 4));
        // k=1: 300-100; k=2: 500-110; k=3: 500-120; k=4: 900-130
        assertThat(Latencies.latencies(replied, counts)).containsExactly(200, 380, 390, 770);
    }

    @Test
    void latencyAfterAnInstantKeepsOnlyTheLaterReplies() {
        long[] replied = {100, 110, 120, 130};
        List<ResultsTracker.CountAt> counts = List.of(new ResultsTracker.CountAt(300, 1),
                new ResultsTracker.CountAt(500, 3), new ResultsTracker.CountAt(900, 4));
        // replies at 120 and 130 only: 500-120, 900-130
        assertThat(Latencies.latenciesAfter(replied, counts, 120)).containsExactly(380, 770);
        // a reply never counted is left out
        assertThat(Latencies.latenciesAfter(new long[]{100, 200, 300, 400, 500}, counts, 450)).isEmpty();
    }

    @Test
    void nearestRankPercentiles() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Latencies.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(Latencies.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(Latencies.percentile(new long[0], 0.5)).isEqualTo(-1);
    }

    @Test
    void summaryLineIsKeyValue() {
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("guarantee", "exactly_once_v2");
        r.put("answers", 10L);
        r.put("ratio", 0.1234);
        r.put("e2e_answers_per_s", 1234.5);
        assertThat(Bench.line(r)).isEqualTo("BENCH guarantee=exactly_once_v2 answers=10 ratio=0.123 e2e_answers_per_s=1235");
    }
}
