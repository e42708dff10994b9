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

    @Test
    void rangeIsTheSameItemsAsTheWholeSequence() {
        List<DatasetItem> whole = BenchItems.generate(5_200, 3, 0L);
        List<DatasetItem> part = BenchItems.range(2_400, 5_100, 3, 0L);
        assertThat(part).hasSize(2_700);
        assertThat(part.get(0).getItemId()).isEqualTo(whole.get(2_400).getItemId()).isEqualTo("addition/s3/2400");
        assertThat(part.get(100).getItemId()).isEqualTo("addition/s4/0000");
        assertThat(part.get(2_699)).isEqualTo(whole.get(5_099));
    }

    @Test
    void heapInUseIsTheSumOfTheTopLevelHeapLines() {
        String g1 = """
                12345:
                 garbage-first heap   total 262144K, used 21504K [0x0000000700000000, 0x0000000800000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 40960K, committed 41472K, reserved 1089536K
                  class space    used 4608K, committed 4864K, reserved 1048576K
                """;
        assertThat(WorkerProcess.usedHeapKib(g1)).isEqualTo(21_504);
        String serial = """
                 def new generation   total 4928K, used 1000K [0x00000000e0000000, 0x00000000e0550000)
                  eden space 4416K,  22% used [0x00000000e0000000, 0x00000000e0450000)
                  from space 512K,   0% used [0x00000000e04d0000, 0x00000000e0550000)
                 tenured generation   total 10944K, used 2000K [0x00000000eaaa0000, 0x00000000eb550000)
                   the space 10944K,  18% used [0x00000000eaaa0000, 0x00000000eb550000)
                """;
        assertThat(WorkerProcess.usedHeapKib(serial)).isEqualTo(3_000);
    }

    @Test
    void historyGrowthIsTheLastStepOverTheFirstAndTheTableHasARowPerStep() {
        List<Map<String, Object>> rows = List.of(historyRow(10_000, 10.0, 2.0), historyRow(100_000, 15.0, 3.0),
                historyRow(1_000_000, 40.0, 5.0));
        Map<String, Object> growth = HistoryBench.growth(rows);
        assertThat(growth).containsEntry("from_answers", 10_000L).containsEntry("to_answers", 1_000_000L)
                .containsEntry("compare_p99_ms", 4.0).containsEntry("worker_ready_s", 2.5);
        String table = HistoryBench.table(rows, growth);
        assertThat(table.lines()).hasSize(2 + 3 + 1);
        assertThat(table.lines().skip(2).findFirst().orElseThrow())
                .startsWith("| 10000 | 10000 | 2500 | 7 / 3 | 42 | 1.5 | 1.0 / 10.0 / 12.0 |");
        assertThat(table).contains("compare p99 x4.00").contains("worker ready x2.50");
        assertThat(HistoryBench.growth(rows.subList(0, 1))).isEmpty();
    }

    private static Map<String, Object> historyRow(long answers, double p99, double ready) {
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("answers", answers);
        r.put("answers_counted", answers);
        r.put("paired_n_max", answers / 4);
        r.put("drift_records", 7L);
        r.put("probing_rounds_shown", 42);
        r.put("alerts_records", 3L);
        r.put("digest_s", 1.5);
        for (String api : List.of("compare", "alerts", "probing")) {
            r.put(api + "_p50_ms", 1.0);
            r.put(api + "_p99_ms", p99);
            r.put(api + "_max_ms", p99 + 2);
        }
        r.put("worker_ready_s", ready);
        r.put("worker_heap_after_gc_mib", 20.0);
        return r;
    }
}
