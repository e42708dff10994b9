package dev.sycostream.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.cli.Main;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.history.Comparer;
import dev.sycostream.input.ReadResult;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.web.WebOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sycostream.testing.CapturedOutput;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison stage on the real broker: the comparisons {@code /api/compare} and {@code compare} give from the
 * stage's state, and what it publishes to {@code sycostream.metrics.comparisons}, equal the batch recount of
 * {@code sycostream.eval.scored} ({@link Comparer}, the offline check) exactly: counts, discordant pairs, p-value.
 * Then the pipeline is stopped and started again on an empty state directory (the stores come back from their
 * changelogs): the same numbers at once, and new answers (new items, and a new checkpoint, paired by default with
 * the one before it) keep the comparisons equal to the recount.
 */
class ComparisonStageIT {
    private static final String M1 = "m@1";
    private static final String M2 = "m@2";
    private static final String M3 = "m@3";
    private static final Duration WAIT = Duration.ofMinutes(4);

    @TempDir
    Path stateDir;
    @TempDir
    Path secondStateDir;

    @Test
    void theStreamedComparisonEqualsTheRecountAndSurvivesARestart() throws Exception {
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 3);
            long now = System.currentTimeMillis();
            List<DatasetItem> addition = DatasetSpec.parse("addition").load(7L, now).items();
            List<DatasetItem> perez = DatasetSpec.parse("perez-sample").load(7L, now).items();
            List<DatasetItem> first = new ArrayList<>(addition.subList(0, 60));
            first.addAll(perez.stream().filter(i -> i.getTask().equals("nlp_survey")).limit(60).toList());
            Map<String, Comparison> before;
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1, WebOptions.loopback(0))) {
                run.register(TargetRegistrar.target(M1, "m", "1", "simulated", Map.of("sycophancy", "0.8", "knowledge", "0.9", "seed", "1")));
                run.register(TargetRegistrar.target(M2, "m", "2", "simulated", Map.of("sycophancy", "0.3", "knowledge", "0.9", "seed", "2")));
                assertThat(run.ingest(new ReadResult(first, List.of())).accepted()).isEqualTo(120);
                Comparer comparer = new Comparer(config.clientConfig(), run.topics());
                String url = run.dashboard().orElseThrow().url();
                // (m@1, m@2) is the default pair: the stage compares it as the answers arrive
                before = awaitEqual(() -> api(url, M1, M2), () -> batch(comparer, M1, M2), 60, 60);
                assertThat(before).hasSize(4); // addition: 3 metrics; nlp_survey: sycophancy
                assertThat(before.get("addition|agree_wrong_with_opinion").getVerdict()).isEqualTo("improved");
                assertThat(published(config, run, M1 + "|" + M2 + "|")).isEqualTo(strip(batch(comparer, M1, M2)));
                // the command asks the pipeline and prints the same rows
                JsonNode rows = new ObjectMapper().readTree(CapturedOutput.stdout(() -> assertThat(Main.execute("compare",
                        "--dashboard-url", url, "--base", M2, "--candidate", M1, "--json")).isZero()));
                assertThat(rows).hasSize(4);
                assertThat(rows.findValuesAsText("verdict")).contains("regressed");
                assertThat(Main.execute("compare", "--dashboard-url", url, "--base", M1, "--candidate", "nobody"))
                        .as("an unknown target is an error").isEqualTo(1);
            }

            // Stopped. Started again on another, empty state directory: every store is restored from its changelog.
            SycostreamConfig again = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), secondStateDir, 3);
            try (EvaluationRun run = EvaluationRun.start(again, SycostreamTopology.Settings.DEFAULT, 1, WebOptions.loopback(0))) {
                Comparer comparer = new Comparer(again.clientConfig(), run.topics());
                String url = run.dashboard().orElseThrow().url();
                assertThat(awaitEqual(() -> api(url, M1, M2), () -> batch(comparer, M1, M2), 60, 60))
                        .as("the same numbers after the restart").isEqualTo(before);
                // new items and a new checkpoint: the comparisons keep following the answers
                run.register(TargetRegistrar.target(M3, "m", "3", "simulated", Map.of("sycophancy", "0.3", "knowledge", "0.9", "seed", "3")));
                List<DatasetItem> more = new ArrayList<>(addition.subList(60, 90));
                assertThat(run.ingest(new ReadResult(more, List.of())).accepted()).isEqualTo(30);
                Map<String, Comparison> after = awaitEqual(() -> api(url, M1, M2), () -> batch(comparer, M1, M2), 90, 60);
                assertThat(after.get("addition|agree_wrong_with_opinion").getPairedN()).isEqualTo(90);
                // (m@2, m@3) is the new default pair; (m@1, m@3) was never asked: counted once from the outcomes
                awaitEqual(() -> api(url, M2, M3), () -> batch(comparer, M2, M3), 90, 60);
                awaitEqual(() -> api(url, M1, M3), () -> batch(comparer, M1, M3), 90, 60);
                assertThat(published(again, run, M2 + "|" + M3 + "|")).isEqualTo(strip(batch(comparer, M2, M3)));
            }
        }
    }

    /** Polls until the streamed and the batch comparison agree and have the expected n, and returns them. */
    private static Map<String, Comparison> awaitEqual(Supplier<Map<String, Comparison>> streamed,
                                                      Supplier<Map<String, Comparison>> batch,
                                                      long additionN, long perezN) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Comparison> s = Map.of();
        Map<String, Comparison> b = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                s = strip(streamed.get());
                b = strip(batch.get());
                if (s.equals(b) && complete(s, additionN, perezN)) {
                    return s;
                }
            } catch (IllegalArgumentException | IllegalStateException notYet) {
                // a target without answers yet, or the pipeline still restoring
            }
            Thread.sleep(500);
        }
        assertThat(s).as("streamed comparison (batch: " + b + ")").isEqualTo(b);
        throw new AssertionError("not every answer counted within " + WAIT + ": " + s);
    }

    private static boolean complete(Map<String, Comparison> rows, long additionN, long perezN) {
        return rows.size() == 4 && rows.values().stream().allMatch(c -> {
            long n = c.getTask().equals("addition") ? additionN : perezN;
            return c.getBaseN() == n && c.getCandidateN() == n;
        });
    }

    private static Map<String, Comparison> batch(Comparer comparer, String base, String candidate) {
        Map<String, Comparison> out = new TreeMap<>();
        comparer.compare(base, candidate, 0.05, Duration.ofSeconds(30)).forEach(c -> out.put(c.getTask() + "|" + c.getMetric(), c));
        return out;
    }

    private static Map<String, Comparison> api(String url, String base, String candidate) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "api/compare?base=" + base + "&candidate=" + candidate).normalize()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
            Map<String, Comparison> out = new TreeMap<>();
            CompareFormatter.parse(new ObjectMapper().readTree(r.body()).get("comparisons").toString())
                    .forEach(c -> out.put(c.getTask() + "|" + c.getMetric(), c));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The latest published comparison per task|metric of one pair. */
    private static Map<String, Comparison> published(SycostreamConfig config, EvaluationRun run, String prefix) {
        Map<String, Comparison> out = new TreeMap<>();
        TopicSnapshot.read(config.clientConfig(), run.topics().metricsComparisons(), null, Duration.ofSeconds(30), r -> {
            if (r.key().startsWith(prefix)) {
                if (r.value() == null) {
                    out.remove(r.key().substring(prefix.length()));
                } else {
                    out.put(r.key().substring(prefix.length()), r.value());
                }
            }
        });
        return strip(out);
    }

    /** Without the time of the comparison (and the alpha-free fields only): what must be equal. */
    private static Map<String, Comparison> strip(Map<String, Comparison> rows) {
        Map<String, Comparison> out = new TreeMap<>();
        rows.forEach((k, c) -> out.put(k, Comparison.newBuilder(c).setComparedAtMs(0L)
                .setPairedDifference(null).setPairedCiLow(null).setPairedCiHigh(null).build()));
        return out;
    }
}
