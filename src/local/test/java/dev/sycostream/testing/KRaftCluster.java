package dev.sycostream.testing;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Kafka cluster of real broker processes for fault tests: N KRaft nodes, each a combined broker and controller in
 * its own JVM ({@code kafka.Kafka} from the {@code kafka_2.13} artifact on the test class path), its own data dir
 * formatted with {@code kafka.tools.StorageTool}, and an N-voter controller quorum. Nodes are stopped with SIGTERM
 * ({@link KafkaNode#stop()}, a controlled shutdown) or SIGKILL ({@link KafkaNode#kill()}) and restarted on their data
 * dir and ports. Clients get every broker address. Topics default to replication 3 and {@code min.insync.replicas=2}
 * from three nodes on, the internal topics (offsets, transactions) too.
 */
public final class KRaftCluster implements AutoCloseable {
    private final List<KafkaNode> nodes;

    private KRaftCluster(List<KafkaNode> nodes) {
        this.nodes = nodes;
    }

    /** Formats and starts {@code size} nodes under {@code baseDir}, waiting until every broker is registered. */
    public static KRaftCluster start(Path baseDir, int size) {
        String clusterId = Uuid.randomUuid().toString();
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[]{freePort(), freePort()});
        }
        String voters = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i)[1]).collect(Collectors.joining(","));
        List<KafkaNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(new KafkaNode(i + 1, baseDir.resolve("node-" + (i + 1)), ports.get(i)[0], ports.get(i)[1],
                    voters, size));
        }
        KRaftCluster cluster = new KRaftCluster(nodes);
        try {
            for (KafkaNode n : nodes) {
                n.format(clusterId);
            }
            // All at once: a node's broker opens its port only once a controller quorum (a majority) is up.
            for (KafkaNode n : nodes) {
                n.launch();
            }
            for (KafkaNode n : nodes) {
                n.awaitPort();
            }
            cluster.awaitBrokers(size, Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String bootstrapServers() {
        return nodes.stream().map(KafkaNode::address).collect(Collectors.joining(","));
    }

    public Map<String, Object> clientConfig() {
        Map<String, Object> m = new HashMap<>();
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return m;
    }

    public KafkaNode node(int id) {
        return nodes.get(id - 1);
    }

    public List<KafkaNode> nodes() {
        return List.copyOf(nodes);
    }

    /** Waits until {@code count} brokers are registered and answering. */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(clientConfig())) {
                int n = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (n >= count) {
                    return;
                }
                last = n + " brokers registered";
            } catch (Exception e) {
                last = e.toString();
            }
            sleep(500);
        }
        throw new IllegalStateException("cluster did not reach " + count + " brokers in " + timeout + " (" + last
                + "); logs:\n" + nodes.stream().map(n -> n.logTail(20)).collect(Collectors.joining("\n---\n")));
    }

    /** The node id leading most partitions of {@code topic} (ties: the lowest id). */
    public int leaderOfMost(String topic) throws Exception {
        try (Admin admin = Admin.create(clientConfig())) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<Integer, Integer> led = new TreeMap<>();
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() != null && !p.leader().isEmpty()) {
                    led.merge(p.leader().id(), 1, Integer::sum);
                }
            }
            return led.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                    .map(Map.Entry::getKey).orElseThrow(() -> new IllegalStateException(topic + " has no leaders"));
        }
    }

    /** Partitions (of every topic, internal ones included) whose in-sync replicas are fewer than their replicas. */
    public Map<TopicPartition, String> underReplicated() throws Exception {
        try (Admin admin = Admin.create(clientConfig())) {
            Set<String> names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, String> under = new LinkedHashMap<>();
            for (TopicDescription d : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    if (p.isr().size() < p.replicas().size()) {
                        under.put(new TopicPartition(d.name(), p.partition()), "isr " + ids(p.isr())
                                + " of replicas " + ids(p.replicas()));
                    }
                }
            }
            return under;
        }
    }

    /** Waits until no partition is under-replicated; returns what still is after {@code timeout}. */
    public Map<TopicPartition, String> awaitFullyReplicated(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, String> under = underReplicated();
        while (!under.isEmpty() && System.nanoTime() < deadline) {
            sleep(500);
            under = underReplicated();
        }
        return under;
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    @Override
    public void close() {
        for (KafkaNode n : nodes) {
            n.killQuietly();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One node: a broker and controller in its own JVM, on fixed ports and a data dir that outlive its process. */
    public static final class KafkaNode {
        private final int id;
        private final Path dir;
        private final int brokerPort;
        private final int controllerPort;
        private final Path config;
        private Process process;
        private Path log;
        private int starts;

        KafkaNode(int id, Path dir, int brokerPort, int controllerPort, String voters, int clusterSize) {
            this.id = id;
            this.dir = dir;
            this.brokerPort = brokerPort;
            this.controllerPort = controllerPort;
            this.config = dir.resolve("server.properties");
            int replicas = Math.min(3, clusterSize);
            int minIsr = replicas >= 3 ? 2 : 1;
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", Integer.toString(id));
            p.setProperty("controller.quorum.voters", voters);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("log.dirs", dir.resolve("data").toAbsolutePath().toString());
            p.setProperty("default.replication.factor", Integer.toString(replicas));
            p.setProperty("min.insync.replicas", Integer.toString(minIsr));
            p.setProperty("offsets.topic.replication.factor", Integer.toString(replicas));
            p.setProperty("offsets.topic.num.partitions", "6");
            p.setProperty("transaction.state.log.replication.factor", Integer.toString(replicas));
            p.setProperty("transaction.state.log.min.isr", Integer.toString(minIsr));
            p.setProperty("transaction.state.log.num.partitions", "6");
            p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
            p.setProperty("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("num.partitions", "1");
            p.setProperty("auto.create.topics.enable", "false");
            p.setProperty("unclean.leader.election.enable", "false");
            // A killed node is noticed (fenced, leaders moved) within a few seconds, not the default 9.
            p.setProperty("broker.session.timeout.ms", "4000");
            p.setProperty("broker.heartbeat.interval.ms", "500");
            p.setProperty("replica.lag.time.max.ms", "10000");
            p.setProperty("log.cleaner.dedupe.buffer.size", Long.toString(8L * 1024 * 1024));
            p.setProperty("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
            p.setProperty("num.network.threads", "2");
            p.setProperty("num.io.threads", "2");
            p.setProperty("background.threads", "2");
            try {
                Files.createDirectories(dir);
                try (var out = Files.newOutputStream(config)) {
                    p.store(out, "KRaftCluster node " + id);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public int id() {
            return id;
        }

        public String address() {
            return "127.0.0.1:" + brokerPort;
        }

        void format(String clusterId) {
            try {
                Process f = launch("kafka.tools.StorageTool", List.of("format", "-t", clusterId, "-c", config.toString()),
                        dir.resolve("format.log"));
                if (!f.waitFor(120, TimeUnit.SECONDS) || f.exitValue() != 0) {
                    throw new IllegalStateException("formatting node " + id + " failed: "
                            + Files.readString(dir.resolve("format.log")));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Starts the node's JVM on its data dir and waits until its broker port accepts connections. */
        public synchronized void start() {
            launch();
            awaitPort();
        }

        synchronized void launch() {
            if (process != null && process.isAlive()) {
                return;
            }
            starts++;
            log = dir.resolve("kafka-" + starts + ".log");
            try {
                process = launch("kafka.Kafka", List.of(config.toString()), log);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start node " + id, e);
            }
        }

        synchronized void awaitPort() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node " + id + " exited with " + process.exitValue() + ":\n"
                            + logTail(40));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", brokerPort), 500);
                    return;
                } catch (IOException notYet) {
                    sleep(200);
                }
            }
            throw new IllegalStateException("node " + id + " did not open its port in 90 s:\n" + logTail(40));
        }

        /** SIGTERM (a controlled shutdown: leadership moves first), then waits for the process to end. */
        public synchronized void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    kill();
                }
            }
        }

        /** SIGKILL: no shutdown at all, as a machine losing power. */
        public synchronized void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("node " + id + " survived SIGKILL for 30 s");
                }
            }
        }

        void killQuietly() {
            try {
                kill();
            } catch (InterruptedException | RuntimeException e) {
                // closing: nothing more to do
            }
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        public String logTail(int lines) {
            if (log == null) {
                return "(node " + id + " never started)";
            }
            try {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                return "node " + id + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        private static Process launch(String mainClass, List<String> args, Path log) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }
    }
}
