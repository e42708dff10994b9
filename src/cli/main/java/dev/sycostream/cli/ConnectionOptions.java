package dev.sycostream.cli;

import dev.sycostream.config.ClusterCheck;
import dev.sycostream.config.SycostreamConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Where the cluster and the registry are; shared by every command that joins an existing stack. */
final class ConnectionOptions {
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    /** How long the pipeline and worker wait out an unreachable schema registry before failing. */
    static final Duration SERVICE_REGISTRY_RETRY = Duration.ofMinutes(2);

    @Option(names = "--bootstrap-servers", defaultValue = "${env:SYCOSTREAM_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers (env SYCOSTREAM_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", defaultValue = "${env:SYCOSTREAM_SCHEMA_REGISTRY_URL}",
            description = "Confluent-compatible schema registry URL (env SYCOSTREAM_SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of client settings: security.protocol, sasl.*, ssl.*, and basic.auth.* for the registry.")
    Path kafkaConfig;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of topics this command creates (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication factor of created topics; -1 (default) = 3 with min.insync.replicas=2 on three brokers or more, else 1.")
    short replicationFactor;

    @Option(names = "--application-id", defaultValue = SycostreamConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application.id (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", description = "State directory: Kafka Streams' for pipeline (default: Kafka Streams' own); "
            + "the reply index's for worker, in DIR/WORKER-ID (default: sycostream-worker under java.io.tmpdir). "
            + "On a persistent volume a restart reads only what changed since.")
    Path stateDir;

    @Option(names = "--processing-guarantee", defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "exactly_once_v2 (default) or at_least_once.")
    String processingGuarantee;

    @Option(names = "--connect-timeout", defaultValue = "PT30S", paramLabel = "DURATION",
            description = "How long to try reaching Kafka before giving up with an error (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration connectTimeout = CHECK_TIMEOUT;

    /**
     * The settings, after one Admin call proving the cluster is reachable with them: wrong credentials fail the
     * command within seconds with a message naming the authentication failure, instead of a client retrying.
     */
    SycostreamConfig connect() {
        SycostreamConfig config = toConfig();
        ClusterCheck.verify(config.clientConfig(), connectTimeout);
        return config;
    }

    SycostreamConfig toConfig() {
        Map<String, String> extra = kafkaConfig == null ? Map.of() : SycostreamConfig.readKafkaConfig(kafkaConfig);
        return new SycostreamConfig(bootstrapServers, schemaRegistryUrl, extra, applicationId, partitions,
                replicationFactor, stateDir, processingGuarantee);
    }
}
