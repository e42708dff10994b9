package dev.sycostream.config;

import dev.sycostream.cli.Main;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets from {@code --kafka-config} reach the clients but never the printed settings or {@code --help}. */
class SycostreamConfigSecretsTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"u\" password=\"jaas-S3cret\";";

    @TempDir
    Path tmp;

    private Path props() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=" + JAAS,
                "ssl.truststore.location=/etc/ts.jks",
                "ssl.truststore.password=ts-S3cret",
                "ssl.keystore.key=-----BEGIN PRIVATE KEY-----key-S3cret",
                "basic.auth.credentials.source=USER_INFO",
                "basic.auth.user.info=reg:reg-S3cret",
                "bearer.auth.token=tok-S3cret",
                ""));
        return file;
    }

    @Test
    void describeMasksEverySecretButKeepsTheOtherSettings() throws Exception {
        Map<String, String> kafka = SycostreamConfig.readKafkaConfig(props());
        SycostreamConfig config = new SycostreamConfig("b:9092", "http://r:8081", kafka, "app", 3, (short) 3, null,
                StreamsConfig.EXACTLY_ONCE_V2);
        // The secrets do reach the clients and the registry serdes...
        assertThat(config.clientConfig()).containsEntry("sasl.jaas.config", JAAS);
        assertThat(config.serdeConfig()).containsEntry("basic.auth.user.info", "reg:reg-S3cret");
        // ...but not the description.
        String described = config.describe();
        assertThat(described).doesNotContain("S3cret")
                .contains("sasl.jaas.config=********", "ssl.truststore.password=********", "ssl.keystore.key=********",
                        "basic.auth.user.info=********", "bearer.auth.token=********")
                .contains("security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "ssl.truststore.location=/etc/ts.jks",
                        "basic.auth.credentials.source=USER_INFO", "bootstrap.servers=b:9092",
                        "schema.registry.url=http://r:8081");
    }

    @Test
    void helpShowsNoSecretEvenWithAConfigFileGiven() throws Exception {
        Path file = props();
        for (List<String> args : List.of(List.of("--help"), List.of("topics", "apply", "--help"),
                List.of("pipeline", "--kafka-config", file.toString(), "--help"),
                List.of("worker", "--kafka-config", file.toString(), "--help"))) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int code;
            try {
                System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
                code = Main.execute(args.toArray(String[]::new));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            String printed = o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8);
            assertThat(code).as(args.toString()).isZero();
            assertThat(printed).as(args.toString()).contains("Usage:").doesNotContain("S3cret");
        }
    }
}
