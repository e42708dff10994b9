package dev.sycostream.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real, single-node Apache Kafka broker + KRaft controller running inside this JVM.
 *
 * <p>It is Kafka's own server ({@link KafkaRaftServer}), formatted with Kafka's own
 * {@link StorageTool}, listening on loopback at free ports. It is what {@code demo} and the
 * integration tests run against: the same protocol, transactions and compaction as a cluster,
 * without any set-up. Restarting with the same data dir keeps every topic (used by fault tests).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final Map<String, String> extraConfig;
    private int brokerPort;
    private int controllerPort;
    private int saslPort;
    /** SASL/PLAIN users (name → password) of the extra SASL_PLAINTEXT listener; empty = no such listener. */
    private Map<String, String> saslUsers = Map.of();
    private KafkaRaftServer server;

    /** A broker with its data in a fresh temporary folder, deleted on close. */
    public EmbeddedKafkaBroker() {
        this(null, Map.of());
    }

    /**
     * @param dataDir where the log and metadata live; null for a temporary folder deleted on close.
     *                An existing, formatted folder is reused (the broker restarts with its data).
     * @param extraConfig broker settings that override the defaults below.
     */
    public EmbeddedKafkaBroker(Path dataDir, Map<String, String> extraConfig) {
        try {
            this.deleteOnClose = dataDir == null;
            this.dataDir = dataDir == null ? Files.createTempDirectory("sycostream-kafka-") : dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.extraConfig = Map.copyOf(extraConfig);
    }

    /**
     * Adds a {@code SASL_PLAINTEXT} listener with mechanism PLAIN accepting exactly these users (name → password),
     * reached at {@link #saslBootstrapServers()}. The PLAINTEXT listener stays for inter-broker traffic and
     * in-process services (the embedded registry); the controller listener stays PLAINTEXT. Call before start.
     */
    public synchronized EmbeddedKafkaBroker withSaslPlain(Map<String, String> users) {
        if (server != null) {
            throw new IllegalStateException("configure SASL before starting the broker");
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a SASL/PLAIN listener needs at least one user");
        }
        users.forEach((name, password) -> {
            if (!name.matches("[A-Za-z0-9._-]+") || password.contains("\"") || password.contains("\\")) {
                throw new IllegalArgumentException("unsupported SASL user name or password for " + name);
            }
        });
        this.saslUsers = Map.copyOf(users);
        return this;
    }

    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        Path logDir = dataDir.resolve("kraft-logs");
        Path portsFile = dataDir.resolve("ports.properties");
        try {
            Files.createDirectories(logDir);
            // Keep the ports across restarts of the same data dir, so clients can reconnect.
            Properties ports = new Properties();
            if (Files.exists(portsFile)) {
                try (var in = Files.newInputStream(portsFile)) {
                    ports.load(in);
                }
                brokerPort = Integer.parseInt(ports.getProperty("broker"));
                controllerPort = Integer.parseInt(ports.getProperty("controller"));
                saslPort = ports.containsKey("sasl") ? Integer.parseInt(ports.getProperty("sasl")) : 0;
            } else {
                brokerPort = freePort();
                controllerPort = freePort();
                ports.setProperty("broker", Integer.toString(brokerPort));
                ports.setProperty("controller", Integer.toString(controllerPort));
            }
            if (!saslUsers.isEmpty() && saslPort == 0) {
                saslPort = freePort();
                ports.setProperty("sasl", Integer.toString(saslPort));
            }
            try (var out = Files.newOutputStream(portsFile)) {
                ports.store(out, "ports of the embedded broker");
            }
            Map<String, String> props = brokerConfig(logDir);
            Path configFile = dataDir.resolve("server.properties");
            Properties p = new Properties();
            p.putAll(props);
            try (var out = Files.newOutputStream(configFile)) {
                p.store(out, "embedded sycostream broker");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(configFile);
            }
            KafkaConfig config = new KafkaConfig(props, false);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
        }
        log.info("embedded Kafka broker up at {} in {} ms (data: {})",
                bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, dataDir);
        return this;
    }

    private Map<String, String> brokerConfig(Path logDir) {
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        c.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("log.dirs", logDir.toAbsolutePath().toString());
        // A single node: every replication factor and min ISR is 1, transactions included. One partition for each
        // coordinator's topic, so that one coordinator load (see CoordinatorWarmup) serves every group and
        // transactional id.
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("num.partitions", "1");
        c.put("auto.create.topics.enable", "false");
        c.put("log.cleaner.dedupe.buffer.size", Long.toString(8L * 1024 * 1024));
        c.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        if (!saslUsers.isEmpty()) {
            c.put("listeners", c.get("listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            c.put("advertised.listeners", c.get("advertised.listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            c.put("listener.security.protocol.map", c.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
            c.put("sasl.enabled.mechanisms", "PLAIN");
            c.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            saslUsers.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
            c.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        }
        c.putAll(extraConfig);
        return c;
    }

    private static void format(Path configFile) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                    "format", "-t", clusterId, "-c", configFile.toString(), "--ignore-formatted"}, out);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format failed (" + rc + "): " + buf.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The SASL_PLAINTEXT/PLAIN listener's address; see {@link #withSaslPlain(Map)}. */
    public synchronized String saslBootstrapServers() {
        if (saslUsers.isEmpty()) {
            throw new IllegalStateException("this broker has no SASL listener; call withSaslPlain before start");
        }
        return "127.0.0.1:" + saslPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker but keeps its data, so {@link #start()} can bring it back. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("embedded Kafka broker stopped");
    }

    @Override
    public synchronized void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
