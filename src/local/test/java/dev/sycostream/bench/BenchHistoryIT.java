package dev.sycostream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.cli.Main;
import dev.sycostream.testing.CapturedOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sycostream bench history} end to end, small: one step of history on the in-process broker, the dashboard
 * measured over HTTP and a worker JVM started (one step: the pipeline's start alone takes half of the 40 s). Checks
 * the output's structure and that the pipeline counted exactly the answers the bench wrote, paired over every item.
 * The growth between steps is {@code BenchTest}'s.
 */
class BenchHistoryIT {
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void growsTheHistoryAndMeasuresEachStep() throws Exception {
        int[] code = {-1};
        String out = CapturedOutput.stdout(() -> code[0] = Main.execute("bench", "history", "--sizes", "300",
                "--calls", "3", "--warmup", "0", "--json"));
        assertThat(code[0]).isZero();
        JsonNode result = new ObjectMapper().readTree(out);
        assertThat(result.path("error").isNull()).isTrue();
        JsonNode rows = result.path("rows");
        assertThat(rows).hasSize(1);
        long[] sizes = {300};
        for (int i = 0; i < sizes.length; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.path("answers").asLong()).isEqualTo(sizes[i]);
            // 2 targets x 2 variants per item, and both targets answered every item
            assertThat(r.path("answers_counted").asLong()).isEqualTo(sizes[i]);
            assertThat(r.path("replies").asLong()).isEqualTo(sizes[i]);
            assertThat(r.path("paired_n_max").asLong()).isEqualTo(sizes[i] / 4);
            // one probe round per target for every 20th item (the first included), two answers each
            long items = sizes[i] / 4;
            assertThat(r.path("probe_rounds").asLong())
                    .isEqualTo(2 * ((items + HistoryWriter.PROBE_EVERY - 1) / HistoryWriter.PROBE_EVERY));
            assertThat(r.path("probe_answers").asLong()).isEqualTo(2 * r.path("probe_rounds").asLong());
            for (String api : List.of("compare", "alerts", "probing")) {
                assertThat(r.path(api + "_calls").asInt()).as(api).isEqualTo(3);
                double p50 = r.path(api + "_p50_ms").asDouble();
                assertThat(p50).as(api).isPositive();
                assertThat(r.path(api + "_p99_ms").asDouble()).as(api).isGreaterThanOrEqualTo(p50);
                assertThat(r.path(api + "_max_ms").asDouble()).as(api).isGreaterThanOrEqualTo(r.path(api + "_p99_ms").asDouble());
            }
            assertThat(r.path("worker_ready_s").asDouble()).isPositive();
            assertThat(r.path("worker_heap_after_gc_mib").asDouble()).isPositive();
        }
        assertThat(result.path("growth").isEmpty()).as("one step: nothing to grow from").isTrue();
    }
}
