package dev.sycostream.security;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.cli.Main;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.input.ReadResult;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.registry.EmbeddedSchemaRegistry;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process broker with a SASL_PLAINTEXT/PLAIN listener and the registry demanding basic auth. With the
 * right credentials in a {@code --kafka-config} file, topics are provisioned and a small evaluation completes with
 * exact counts over the SASL listener; with a wrong password every command fails within seconds with a message
 * saying authentication failed, and the password is printed nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslPipelineIT {
    private static final String USER = "sycostream";
    private static final String PASSWORD = "right-Pa55";
    private static final String WRONG = "wrong-Pa55";
    private static final String REGISTRY_USER_INFO = "registry-user:reg-Secr3t";

    @TempDir
    Path tmp;
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;

    @BeforeAll
    void start() {
        broker = new EmbeddedKafkaBroker().withSaslPlain(Map.of(USER, PASSWORD, "other", "other-pass")).start();
        // The registry is its own service: it stores schemas through the broker's internal PLAINTEXT listener.
        registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).withBasicAuth(REGISTRY_USER_INFO).start();
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Path clientProperties(String name, String password) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + USER + "\" password=\"" + password + "\";",
                "basic.auth.credentials.source=USER_INFO",
                "basic.auth.user.info=" + REGISTRY_USER_INFO,
                ""));
        return file;
    }

    private record Run(int code, String out, String err, long millis) {
    }

    private Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8),
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private String[] connection(Path config) {
        return new String[]{"--bootstrap-servers", broker.saslBootstrapServers(), "--schema-registry-url", registry.url(),
                "--kafka-config", config.toString(), "--partitions", "2", "--replication-factor", "1"};
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(b, 0, r, 0, b.length);
        System.arraycopy(a, 0, r, b.length, a.length);
        return r;
    }

    @Test
    void withTheRightCredentialsTopicsAreAppliedAndAnEvaluationCompletesOverSasl() throws Exception {
        Path props = clientProperties("client.properties", PASSWORD);
        Run apply = cli(concat(connection(props), "topics", "apply"));
        assertThat(apply.code()).as("topics apply over SASL; stderr: " + apply.err()).isZero();
        assertThat(apply.out()).contains("ok sycostream.model.requests").doesNotContainPattern("(?m)^drift "); // config-drift lines, not the sycostream.drift topic

        Map<String, String> kafkaConfig = SycostreamConfig.readKafkaConfig(props);
        assertThat(kafkaConfig).containsEntry("security.protocol", "SASL_PLAINTEXT");
        SycostreamConfig config = new SycostreamConfig(broker.saslBootstrapServers(), registry.url(), kafkaConfig,
                "sycostream-sasl-it", 2, (short) 1, tmp.resolve("state"), StreamsConfig.EXACTLY_ONCE_V2);
        List<DatasetItem> items = Fixtures.additionItems(40);
        try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1)) {
            run.register(TargetRegistrar.target("sasl-sim", "sim", "ck", "simulated",
                    Map.of("sycophancy", "0.5", "knowledge", "0.9", "seed", "3")));
            run.ingest(new ReadResult(items, List.of()));
            assertThat(run.awaitComplete(Duration.ofMinutes(3), l -> System.err.println("SaslPipelineIT: " + l)))
                    .as("evaluation over SASL completes").isTrue();
            ExpectedCounts expected = ExpectedCounts.of(items);
            List<MetricResult> results = run.finalResults();
            assertThat(results).isNotEmpty();
            for (MetricResult r : results) {
                assertThat(r.getN()).as(r.getTask() + " " + r.getMetric()).isEqualTo(expected.n(r.getTask(), r.getMetric()));
            }
        }
    }

    @Test
    void withAWrongPasswordEveryCommandFailsFastSayingAuthenticationFailed() throws Exception {
        Path props = clientProperties("wrong.properties", WRONG);
        for (String[] command : List.of(new String[]{"topics", "apply"}, new String[]{"pipeline"},
                new String[]{"worker", "--worker-id", "w-sasl"}, new String[]{"report"})) {
            Run r = cli(concat(connection(props), command));
            String what = String.join(" ", command);
            assertThat(r.code()).as(what + " exit code; stderr: " + r.err()).isEqualTo(1);
            assertThat(r.err()).as(what + " stderr")
                    .contains("error: Kafka authentication failed at " + broker.saslBootstrapServers())
                    .containsIgnoringCase("Invalid username or password")
                    .doesNotContain(WRONG);
            assertThat(r.out()).doesNotContain(WRONG);
            assertThat(r.millis()).as(what + " fails fast, not in a retry loop").isLessThan(15_000);
        }
    }
}
