package dev.sycostream.registry;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Confluent-compatible schema registry inside this JVM, for {@code demo} and integration tests:
 * the REST subset the serdes use, served over real HTTP on loopback, with its state kept like the real
 * one's in a compacted Kafka topic ({@code _schemas}). Restarting it on the same broker rebuilds the
 * state from that topic, so schema ids survive.
 *
 * <p>It is meant as the only registry writing to its topic: unlike Confluent's it does not elect a
 * leader or follow other instances' writes.
 *
 * <pre>{@code
 * try (var registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start()) {
 *     config.put("schema.registry.url", registry.url());
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    public static final String DEFAULT_TOPIC = "_schemas";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final String bootstrapServers;
    private String topic = DEFAULT_TOPIC;
    private int requestedPort;
    private String requiredUserInfo;
    private HttpServer server;
    private ExecutorService executor;
    private KafkaSchemaJournal journal;

    /** A registry on a free port, without authentication, storing into {@value #DEFAULT_TOPIC}. */
    public EmbeddedSchemaRegistry(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** A registry that demands HTTP basic auth with {@code userInfo} ("user:password") on every request. */
    public EmbeddedSchemaRegistry(String bootstrapServers, String userInfo) {
        this(bootstrapServers);
        withBasicAuth(userInfo);
    }

    /** Demands HTTP basic auth with {@code userInfo} ("user:password"); call before {@link #start()}. */
    public synchronized EmbeddedSchemaRegistry withBasicAuth(String userInfo) {
        if (userInfo == null || !userInfo.contains(":")) {
            throw new IllegalArgumentException("basic auth needs user:password");
        }
        requireNotStarted();
        this.requiredUserInfo = userInfo;
        return this;
    }

    /** Listens on {@code port} instead of a free one (0 = any free port); call before {@link #start()}. */
    public synchronized EmbeddedSchemaRegistry withPort(int port) {
        requireNotStarted();
        this.requestedPort = port;
        return this;
    }

    /** Keeps the schemas in {@code topic} instead of {@value #DEFAULT_TOPIC}; call before {@link #start()}. */
    public synchronized EmbeddedSchemaRegistry withTopic(String topic) {
        requireNotStarted();
        this.topic = topic;
        return this;
    }

    /** Creates the topic if absent, reads it to the end, then starts answering HTTP. */
    public synchronized EmbeddedSchemaRegistry start() {
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        KafkaSchemaJournal opened = KafkaSchemaJournal.open(bootstrapServers, topic);
        try {
            SchemaStore store = new SchemaStore(opened);
            int replayed = opened.replayInto(store);
            String authorization = requiredUserInfo == null ? null
                    : "Basic " + Base64.getEncoder().encodeToString(requiredUserInfo.getBytes(StandardCharsets.UTF_8));
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 50);
            http.createContext("/", new RegistryHttpHandler(store, authorization));
            executor = Executors.newFixedThreadPool(4, daemonThreads());
            http.setExecutor(executor);
            http.start();
            server = http;
            journal = opened;
            log.info("embedded schema registry up at {} in {} ms ({} records replayed from {}{})", url(),
                    (System.nanoTime() - t0) / 1_000_000, replayed, topic, requiredUserInfo == null ? "" : ", basic auth");
            return this;
        } catch (IOException e) {
            opened.close();
            throw new UncheckedIOException("cannot bind the schema registry on port " + requestedPort, e);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Where clients reach it, e.g. {@code http://127.0.0.1:41234}. */
    public synchronized String url() {
        return "http://127.0.0.1:" + port();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the schema registry is not started");
        }
        return server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        journal.close();
        server = null;
        executor = null;
        journal = null;
        log.info("embedded schema registry stopped");
    }

    private void requireNotStarted() {
        if (server != null) {
            throw new IllegalStateException("configure the schema registry before start()");
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
