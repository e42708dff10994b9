package dev.sycostream.config;

import dev.sycostream.errors.DeadLetterExceptionHandler;
import dev.sycostream.registry.SchemaRegistryClientConfig;
import dev.sycostream.serde.AvroSerdeConfig;
import dev.sycostream.serde.SpecificAvroSerde;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the cluster and registry are and how the pipeline runs there. One object feeds every client:
 * Kafka clients get {@link #clientConfig()}, serdes {@link #serdeConfig()}, Kafka Streams {@link #streamsConfig()}.
 *
 * @param kafkaConfig extra client settings from {@code --kafka-config FILE} (SASL/SSL, and schema registry
 *                    {@code basic.auth.*} settings, which are passed to the serdes as well)
 * @param partitions  partitions of topics created by the provisioner
 * @param replicationFactor replication factor of created topics; -1 = 3 on three brokers or more, else 1 (see
 *                          {@code topics.Replication}); Streams' internal topics use the broker default
 */
public record SycostreamConfig(String bootstrapServers, String schemaRegistryUrl, Map<String, String> kafkaConfig,
                               String applicationId, int partitions, short replicationFactor, Path stateDir,
                               String processingGuarantee) {
    public static final String DEFAULT_APPLICATION_ID = "sycostream-pipeline";

    public SycostreamConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers given (--bootstrap-servers or SYCOSTREAM_BOOTSTRAP_SERVERS)");
        }
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new IllegalArgumentException("no schema registry URL given (--schema-registry-url or SYCOSTREAM_SCHEMA_REGISTRY_URL)");
        }
        kafkaConfig = Map.copyOf(kafkaConfig);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    /** Settings for the embedded stack: one broker, replication factor 1. */
    public static SycostreamConfig embedded(String bootstrapServers, String schemaRegistryUrl, Path stateDir,
                                            int partitions) {
        return new SycostreamConfig(bootstrapServers, schemaRegistryUrl, Map.of(), DEFAULT_APPLICATION_ID,
                partitions, (short) 1, stateDir, StreamsConfig.EXACTLY_ONCE_V2);
    }

    public SycostreamConfig withApplicationId(String id) {
        return new SycostreamConfig(bootstrapServers, schemaRegistryUrl, kafkaConfig, id, partitions,
                replicationFactor, stateDir, processingGuarantee);
    }

    /**
     * The same settings with Kafka Streams' {@code application.server}: where this instance's dashboard is reached
     * by the other instances, so interactive queries can ask the instance that owns a partition.
     */
    public SycostreamConfig withApplicationServer(String hostPort) {
        Map<String, String> extra = new HashMap<>(kafkaConfig);
        extra.put(StreamsConfig.APPLICATION_SERVER_CONFIG, hostPort);
        return new SycostreamConfig(bootstrapServers, schemaRegistryUrl, extra, applicationId, partitions,
                replicationFactor, stateDir, processingGuarantee);
    }

    /** This instance's {@code application.server} ({@link #withApplicationServer}, or a config file's), or null. */
    public String applicationServer() {
        return kafkaConfig.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
    }

    public SycostreamConfig withStateDir(Path dir) {
        return new SycostreamConfig(bootstrapServers, schemaRegistryUrl, kafkaConfig, applicationId, partitions,
                replicationFactor, dir, processingGuarantee);
    }

    /**
     * The same settings with serdes that wait up to {@code retry} for an unreachable schema registry (unless the
     * config file sets {@value SchemaRegistryClientConfig#UNREACHABLE_RETRY_MS} itself). For the long-running
     * pipeline and worker: a registry restart then pauses them instead of failing good records. Kept under Kafka's
     * {@code max.poll.interval.ms} (5 min) so a waiting consumer is not taken for dead.
     */
    public SycostreamConfig withRegistryOutageTolerance(java.time.Duration retry) {
        Map<String, String> extra = new HashMap<>(kafkaConfig);
        extra.putIfAbsent(SchemaRegistryClientConfig.UNREACHABLE_RETRY_MS, Long.toString(retry.toMillis()));
        return new SycostreamConfig(bootstrapServers, schemaRegistryUrl, extra, applicationId, partitions,
                replicationFactor, stateDir, processingGuarantee);
    }

    /** Reads a Java properties file of client settings, e.g. security.protocol, sasl.jaas.config, ssl.*. */
    public static Map<String, String> readKafkaConfig(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** Settings every Kafka client gets (producer, consumer, admin). */
    public Map<String, Object> clientConfig() {
        Map<String, Object> m = new HashMap<>(kafkaConfig);
        m.remove(StreamsConfig.APPLICATION_SERVER_CONFIG); // Kafka Streams' own, see streamsConfig()
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return m;
    }

    /** Settings for the Avro serdes: registry URL and any schema-registry settings from the config file. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> m = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (k.startsWith("schema.registry.") || k.startsWith("basic.auth.") || k.equals(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS)
                    || k.equals(AvroSerdeConfig.USE_LATEST_VERSION)) {
                m.put(k, v);
            }
        });
        m.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        return m;
    }

    /** Kafka Streams settings: exactly-once by default, dead-letter handlers, default Avro serde. */
    public Properties streamsConfig() {
        Properties p = new Properties();
        p.putAll(clientConfig());
        p.putAll(serdeConfig());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        if (applicationServer() != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer());
        }
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
        if (stateDir != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, SpecificAvroSerde.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put("processing.exception.handler.global.enabled", true);
        p.putAll(topologyOptimizations());
        // Latency. A reply crosses three Streams hops (scoring -> eval.scored, pre-count -> metrics-by-key
        // repartition, aggregate -> metrics.results); under exactly-once each hop's output becomes visible only at a
        // commit, and the input of hops 2 and 3 arrives exactly at a commit, so each costs about one full commit
        // period. The period is commit.interval.ms plus the overshoot of the check, which runs after a poll that
        // blocks up to poll.ms when no data is buffered: 200 + 100 gave 3.3 commits/s (about 300 ms per hop), 100 + 50
        // gives 5.2-5.8/s and cuts the steady-state p50 by ~40% (~890 -> ~520 ms at 400 answers/s; BENCHMARKS.md,
        // third session) for 5-17% more CPU per answer at that rate. 100 is also Kafka's exactly-once default
        // (at-least-once: 30 s).
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, 50);
        return p;
    }

    /**
     * Whether a setting's value is a secret: passwords, JAAS configs (they embed passwords), registry user info,
     * client secrets, bearer tokens and inline private keys.
     */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("user.info") || k.contains("secret")
                || k.contains("token") || k.endsWith(".key") || k.endsWith("credentials");
    }

    /** The settings, one per line, with secrets masked; for logs and --verbose output. */
    public String describe() {
        Map<String, Object> m = new TreeMap<>(clientConfig());
        m.put("schema.registry.url", schemaRegistryUrl);
        m.put("application.id", applicationId);
        m.put("processing.guarantee", processingGuarantee);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            sb.append(k).append('=').append(isSecret(k) ? "********" : v).append('\n');
        });
        return sb.toString();
    }

    /**
     * The scoring stage's request and reply tables restore from their source topics instead of changelogs of their
     * own: the topics already hold every record (keyed by request id, kept 30 days), so a changelog would only
     * write each request and reply a second time (two of the ~11.5 log writes per answer `sycostream bench`
     * counted). Declared here, below the topology, because both the Streams config and Topology#build need it.
     */
    public static Properties topologyOptimizations() {
        Properties p = new Properties();
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        return p;
    }
}
