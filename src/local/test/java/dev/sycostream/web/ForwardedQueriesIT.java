package dev.sycostream.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sycostream.app.PipelineApp;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.compare.CompareFormatter;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.history.Comparer;
import dev.sycostream.input.ReadResult;
import dev.sycostream.stages.views.DashboardStores;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two pipeline instances of one application on one real broker, each with its dashboard advertised as
 * {@code application.server}: each owns part of the partitions, and yet {@code /api/metrics}, a single key of it and
 * {@code /api/compare} give the same, complete answer from either instance: the union of the instances' own parts
 * (their {@code /internal/store}), neither of which is complete alone, and, for the comparison, the batch recount.
 */
class ForwardedQueriesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    @Test
    void everyInstanceAnswersForAllPartitions() throws Exception {
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            int portA = freePort();
            int portB = freePort();
            SycostreamConfig a = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), dirA, 3)
                    .withApplicationServer("127.0.0.1:" + portA);
            SycostreamConfig b = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), dirB, 3)
                    .withApplicationServer("127.0.0.1:" + portB);
            try (EvaluationRun run = EvaluationRun.start(a, SycostreamTopology.Settings.DEFAULT, 1, WebOptions.loopback(portA));
                 PipelineApp second = new PipelineApp(b, SycostreamTopology.Settings.DEFAULT).start();
                 WebDashboard secondWeb = WebDashboard.start(second, b, WebOptions.loopback(portB))) {
                String urlA = run.dashboard().orElseThrow().url();
                String urlB = secondWeb.url();
                run.register(TargetRegistrar.target("m@1", "m", "1", "simulated", Map.of("sycophancy", "0.8", "knowledge", "0.9", "seed", "1")));
                run.register(TargetRegistrar.target("m@2", "m", "2", "simulated", Map.of("sycophancy", "0.3", "knowledge", "0.9", "seed", "2")));
                long now = System.currentTimeMillis();
                List<DatasetItem> items = new ArrayList<>(DatasetSpec.parse("addition").load(3L, now).items().subList(0, 20));
                for (String task : List.of("nlp_survey", "philpapers2020", "political_typology_quiz")) {
                    items.addAll(DatasetSpec.parse("perez-sample").load(3L, now).items().stream()
                            .filter(i -> i.getTask().equals(task)).limit(20).toList());
                }
                assertThat(run.ingest(new ReadResult(items, List.of())).accepted()).isEqualTo(80);
                Comparer comparer = new Comparer(a.clientConfig(), run.topics());

                // both instances settle on the same complete answer: 2 targets x (20 addition items x 2 variants
                // + 60 opinion items x 1) counted
                Set<String> full = awaitSame(urlA, urlB, 200);
                assertThat(full).as("the simulated model answered").noneMatch(r -> r.contains("|failed|") && !r.contains(" 0/"));
                Set<String> partA = localKeys(urlA);
                Set<String> partB = localKeys(urlB);
                assertThat(partA).as("instance A owns part of the results").isNotEmpty().isNotEqualTo(full);
                assertThat(partB).as("instance B owns the rest").isNotEmpty().isNotEqualTo(full);
                Set<String> union = new TreeSet<>(partA);
                union.addAll(partB);
                assertThat(union).isEqualTo(full.stream().map(r -> r.substring(0, r.indexOf(' '))).collect(
                        java.util.stream.Collectors.toCollection(TreeSet::new)));

                // one key, asked of the instance that does not own it: found on its owner (queryMetadataForKey)
                String remoteKey = partB.stream().filter(k -> k.endsWith("|cumulative")).findFirst().orElseThrow();
                String[] k = remoteKey.split("\\|");
                JsonNode one = get(urlA, "api/metrics?target=" + enc(k[0]) + "&task=" + enc(k[1]) + "&metric=" + enc(k[2])
                        + "&window=cumulative").get("results");
                assertThat(one).hasSize(1);
                assertThat(row(one.get(0))).isIn(full);

                // the comparison of the default pair: the same from both instances, equal to the batch recount
                Map<String, String> batch = new TreeMap<>();
                comparer.compare("m@1", "m@2", 0.05, Duration.ofSeconds(30)).forEach(c ->
                        batch.put(c.getTask() + "|" + c.getMetric(), c.getBaseOnly() + "/" + c.getCandidateOnly() + "/" + c.getPairedN() + " p=" + c.getPValue()));
                assertThat(batch.keySet().stream().map(t -> t.substring(0, t.indexOf('|'))).distinct().count())
                        .as("tasks compared").isEqualTo(4);
                assertThat(awaitComparisons(urlA, batch)).isEqualTo(batch);
                assertThat(awaitComparisons(urlB, batch)).isEqualTo(batch);
            }
        }
    }

    /** Polls both instances' /api/metrics until they agree and every answer is counted; the rows. */
    private static Set<String> awaitSame(String urlA, String urlB, long answers) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Set<String> ra = Set.of();
        Set<String> rb = Set.of();
        while (System.nanoTime() < deadline) {
            try {
                ra = rows(get(urlA, "api/metrics?window=cumulative"));
                rb = rows(get(urlB, "api/metrics?window=cumulative"));
                if (ra.equals(rb) && answered(ra) == answers) {
                    return ra;
                }
            } catch (IllegalStateException notYet) {
                // 503 while an instance restores or rebalances
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the instances did not agree on " + answers + " answers within " + WAIT + ":\nA " + ra + "\nB " + rb);
    }

    /** Sum of the cumulative unparseable n over all rows: every answer is counted there once. */
    private static long answered(Set<String> rows) {
        return rows.stream().filter(r -> r.contains("|unparseable|cumulative "))
                .mapToLong(r -> Long.parseLong(r.substring(r.lastIndexOf('/') + 1))).sum();
    }

    private static Set<String> rows(JsonNode body) {
        Set<String> out = new TreeSet<>();
        body.get("results").forEach(r -> out.add(row(r)));
        return out;
    }

    private static String row(JsonNode r) {
        return r.get("target").asText() + "|" + r.get("task").asText() + "|" + r.get("metric").asText() + "|"
                + r.get("window").asText() + " " + r.get("count").asLong() + "/" + r.get("n").asLong();
    }

    /** The keys of this instance's own part of the results store. */
    private static Set<String> localKeys(String url) throws Exception {
        Set<String> out = new TreeSet<>();
        get(url, "internal/store?name=" + DashboardStores.RESULTS_STORE).get("entries").forEach(e -> {
            String key = e.get("key").asText();
            if (key.endsWith("|cumulative")) {
                out.add(key);
            }
        });
        return out;
    }

    /** The comparison stage may count the last answers a moment after the metrics: polls until it has. */
    private static Map<String, String> awaitComparisons(String url, Map<String, String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, String> got = comparisons(url);
        while (!got.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            got = comparisons(url);
        }
        return got;
    }

    private static Map<String, String> comparisons(String url) throws Exception {
        Map<String, String> out = new TreeMap<>();
        CompareFormatter.parse(get(url, "api/compare?base=m@1&candidate=m@2").get("comparisons").toString())
                .forEach(c -> out.put(c.getTask() + "|" + c.getMetric(), c.getBaseOnly() + "/" + c.getCandidateOnly() + "/" + c.getPairedN() + " p=" + c.getPValue()));
        return out;
    }

    private static JsonNode get(String url, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " for " + path + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
