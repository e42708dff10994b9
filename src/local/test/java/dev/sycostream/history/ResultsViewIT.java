package dev.sycostream.history;

import dev.sycostream.report.ResultsFormatterTest;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.testing.EmbeddedClusterSupport;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.sycostream.report.ResultsFormatterTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The results view on a real broker: latest value per key, committed data only, no consumer group. */
class ResultsViewIT {
    private static EmbeddedClusterSupport cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedClusterSupport.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String key(MetricResult r) {
        return r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric() + "|" + r.getWindow()
                + (r.getWindowStartMs() == null ? "" : "@" + r.getWindowStartMs());
    }

    @Test
    void keepsTheLatestCommittedResultPerKeyInReportOrder() throws Exception {
        MetricResult flipOld = result("base", "addition", "flip_to_user", "cumulative", null, 10, 50, 0.2, 0.11, 0.33);
        MetricResult flipNew = result("base", "addition", "flip_to_user", "cumulative", null, 30, 100, 0.3, 0.22, 0.39);
        MetricResult windowed = result("base", "addition", "flip_to_user", "PT1M", 60_000L, 3, 9, 0.333, 0.12, 0.65);
        MetricResult intervened = result("intervened", "nlp_survey", "sycophancy", "cumulative", null, 5, 100, 0.05, 0.02, 0.11);
        MetricResult aaa = result("aaa", "addition", "unparseable", "cumulative", null, 0, 100, 0.0, 0.0, 0.037);
        cluster.send(cluster.topics().metricsResults(), List.of(
                Map.entry(key(flipOld), flipOld), Map.entry(key(intervened), intervened),
                Map.entry(key(windowed), windowed), Map.entry(key(flipNew), flipNew), Map.entry(key(aaa), aaa)));
        // Written and aborted: a read_committed view must never show it.
        MetricResult aborted = result("intervened", "nlp_survey", "sycophancy", "cumulative", null, 99, 100, 0.99, 0.9, 1.0);
        writeAborted(key(aborted), aborted);
        // Undecodable bytes are skipped, not fatal.
        cluster.sendRaw(Topics.METRICS_RESULTS, List.of(Map.entry("junk|x|y|cumulative", "junk".getBytes(StandardCharsets.UTF_8))));

        try (ResultsView view = new ResultsView(cluster.clientConfig(), cluster.topics())) {
            view.catchUp(Duration.ofSeconds(30));

            assertThat(view.latest()).containsExactly(aaa, flipNew, windowed, intervened);
            assertThat(view.cumulative()).containsExactly(aaa, flipNew, intervened);
            assertThat(view.skipped()).isEqualTo(1);

            MetricResult flipNewer = result("base", "addition", "flip_to_user", "cumulative", null, 40, 120, 0.333, 0.26, 0.42);
            cluster.send(cluster.topics().metricsResults(), List.of(Map.entry(key(flipNewer), flipNewer)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!view.latest().contains(flipNewer) && System.nanoTime() < deadline) {
                view.poll(Duration.ofMillis(200));
            }
            assertThat(view.cumulative()).containsExactly(aaa, flipNewer, intervened);
        }
    }

    private static void writeAborted(String key, MetricResult value) {
        Map<String, Object> config = cluster.clientConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "results-view-it-aborted");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.METRICS_RESULTS, key,
                    cluster.topics().metricsResults().valueSerde().serializer().serialize(Topics.METRICS_RESULTS, value)));
            producer.flush();
            producer.abortTransaction();
        }
    }
}
