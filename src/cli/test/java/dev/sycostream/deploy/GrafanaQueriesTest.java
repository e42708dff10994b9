package dev.sycostream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.web.PrometheusMetrics;
import dev.sycostream.avro.MetricResult;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every query of the provisioned Grafana dashboard (panels and template variables) names only series the project
 * exports: what the pipeline's {@code /metrics} serves ({@link PrometheusMetrics}, scraped here with results,
 * targets, a latency and a Kafka Streams client bound), and what the image's JMX exporter rules
 * ({@code deploy/jmx/jmx-exporter.yaml}) make of the Kafka Streams and client metrics. A renamed series, or a
 * panel written against one that does not exist, fails here rather than as an empty Grafana panel.
 */
class GrafanaQueriesTest {
    private static final Path DASHBOARD = Path.of("deploy/compose/grafana/dashboards/sycostream.json");
    private static final Path JMX_RULES = Path.of("deploy/jmx/jmx-exporter.yaml");
    /** PromQL's functions, aggregations and keywords that can stand where a series name could. */
    private static final Set<String> PROMQL = Set.of("sum", "min", "max", "avg", "count", "sort", "sort_desc", "rate",
            "irate", "increase", "histogram_quantile", "abs", "clamp", "clamp_min", "clamp_max", "label_replace",
            "label_values", "bool", "offset", "and", "or", "unless", "topk", "bottomk", "quantile", "vector", "scalar",
            "time", "avg_over_time", "max_over_time", "min_over_time", "delta", "deriv");

    @TempDir
    Path stateDir;

    @Test
    void everyQueryNamesASeriesTheProjectExports() throws IOException {
        Set<String> exported = new TreeSet<>(pipelineSeries());
        Set<String> jmx = jmxExporterSeries();
        exported.addAll(jmx);
        assertThat(exported).contains("sycostream_rate", "sycostream_rate_ci_low", "sycostream_target_info",
                "sycostream_worker_latency_seconds_bucket", "kafka_streams_stream_thread_process_rate");

        List<String> queries = queries(new ObjectMapper().readTree(DASHBOARD.toFile()));
        assertThat(queries).hasSizeGreaterThan(20);
        Set<String> named = new TreeSet<>();
        for (String q : queries) {
            Set<String> series = seriesIn(q);
            assertThat(series).as("a series in " + q).isNotEmpty();
            assertThat(exported).as("series of the query " + q).containsAll(series);
            named.addAll(series);
        }
        // the dashboard's views use the target info series: the model and checkpoint of each target
        assertThat(named).contains("sycostream_target_info", "sycostream_target_registered_seconds", "sycostream_rate_n");
    }

    @Test
    void theParserFindsSeriesNamesAndNotFunctionsOrLabels() {
        assertThat(seriesIn("sort(max by (target, task) (sycostream_rate{window=\"cumulative\",task=\"$task\"}) "
                + "* on(target) group_left(model, checkpoint) sycostream_target_info{model=\"$model\"})"))
                .containsExactlyInAnyOrder("sycostream_rate", "sycostream_target_info");
        assertThat(seriesIn("histogram_quantile(0.95, sum by (le, target) (rate(x_bucket[5m])))")).containsExactly("x_bucket");
        assertThat(seriesIn("label_values(sycostream_target_info, model)")).containsExactly("sycostream_target_info");
        assertThat(seriesIn("a - ignoring(metric) b * 1000")).containsExactlyInAnyOrder("a", "b");
    }

    /** Panel target expressions and template variable queries. */
    private static List<String> queries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            JsonNode q = v.path("query");
            out.add(q.isObject() ? q.path("query").asText() : q.asText());
        }
        return out;
    }

    /** The series names of a PromQL expression (or a Grafana {@code label_values(series, label)}). */
    static Set<String> seriesIn(String query) {
        String q = query.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"")          // string literals
                .replaceAll("\\{[^}]*}", " ")                                   // label matchers
                .replaceAll("\\[[^]]*]", " ")                                   // range selectors
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("label_values\\(([^,)]+),[^)]*\\)", "label_values($1)");             // its label
        Set<String> series = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(q);
        while (m.find()) {
            String word = m.group();
            boolean call = q.substring(m.end()).stripLeading().startsWith("(");
            boolean inNumber = m.start() > 0 && Character.isDigit(q.charAt(m.start() - 1)); // 5m, 1e3
            if (!call && !inNumber && !PROMQL.contains(word)) {
                series.add(word);
            }
        }
        return series;
    }

    /** Series names in a scrape of the pipeline's /metrics with every kind of meter present. */
    private Set<String> pipelineSeries() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "grafana-queries-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Set<String> names = new TreeSet<>();
        try (PrometheusMetrics metrics = new PrometheusMetrics();
             KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            metrics.update(List.of(
                    result("addition", "agree_wrong_with_opinion", "cumulative", null, 7, 10),
                    result("addition", "agree_wrong_with_opinion", "PT1M", 60_000L, 3, 4),
                    result("nlp_survey", "sycophancy", "cumulative", null, 5, 10),
                    result("addition", "unparseable", "cumulative", null, 1, 20),
                    result("addition", "failed", "cumulative", null, 2, 20)));
            EvalTarget target = Fixtures.target("base", true, 1L);
            metrics.updateTargets(List.of(target));
            metrics.recordLatency("base", 12);
            metrics.bindStreams(streams);
            Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(metrics.scrape());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static MetricResult result(String task, String metric, String window, Long start, long count, long n) {
        return MetricResult.newBuilder().setTargetId("base").setTask(task).setMetric(metric).setWindow(window)
                .setWindowStartMs(start).setWindowEndMs(start == null ? null : start + 60_000).setCount(count).setN(n)
                .setRate((double) count / n).setCiLow(0.1).setCiHigh(0.9).setUpdatedAtMs(1L).build();
    }

    /**
     * Names the JMX exporter rules give: a rule with a literal name as is; a rule naming {@code PREFIX$2} after the
     * attribute, for every metric Kafka Streams registers in the rule's group ({@code type=...}), with '-' as '_'
     * (the exporter's lowercased, sanitised output).
     */
    private Set<String> jmxExporterSeries() throws IOException {
        Set<String> kafkaStreamsMetrics = new TreeSet<>();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "grafana-queries-jmx");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("jmx").toString());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            for (MetricName n : streams.metrics().keySet()) {
                kafkaStreamsMetrics.add(n.group() + "/" + n.name());
            }
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : new YAMLMapper().readTree(JMX_RULES.toFile()).path("rules")) {
            String name = rule.path("name").asText();
            if (!name.contains("$")) {
                names.add(name);
                continue;
            }
            Matcher type = Pattern.compile("type=([a-z-]+)").matcher(rule.path("pattern").asText());
            assertThat(type.find()).as("the JMX type of rule " + name).isTrue();
            String prefix = name.substring(0, name.indexOf('$'));
            kafkaStreamsMetrics.stream().filter(g -> g.startsWith(type.group(1) + "/"))
                    .map(g -> prefix + g.substring(g.indexOf('/') + 1).replace('-', '_')).forEach(names::add);
        }
        return names;
    }
}
