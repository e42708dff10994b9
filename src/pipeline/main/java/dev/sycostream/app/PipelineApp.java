package dev.sycostream.app;

import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.registry.RegistryFailure;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka Streams application: provisions the declared topics, runs {@link SycostreamTopology}, and
 * reports a fatal error instead of hanging. State lives under the configured state dir and in changelog
 * topics, so a restarted instance resumes where it stopped.
 */
public final class PipelineApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineApp.class);

    private final SycostreamConfig config;
    private final SycostreamTopology.Settings settings;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Restarts after a recoverable global-thread error, see {@link #recoverable}. */
    private static final int MAX_RESTARTS = 3;
    private volatile Throwable failure;
    private volatile KafkaStreams streams;
    private volatile boolean closing;
    private int restarts;
    private final ThreadReplacements replacements = new ThreadReplacements(System::nanoTime);
    private Topology topology;

    public PipelineApp(SycostreamConfig config, SycostreamTopology.Settings settings) {
        this.config = config;
        this.settings = settings;
    }

    /** Creates missing topics (reporting drift of existing ones), then starts the streams client. */
    public synchronized PipelineApp start() {
        Topics topics = new Topics(config.serdeConfig());
        List<String> drift = new TopicProvisioner(config.clientConfig())
                .ensure(topics.all(), config.partitions(), config.replicationFactor());
        drift.forEach(d -> log.warn("topic differs from its declaration: {}", d));
        topology = SycostreamTopology.buildTopology(topics, settings);
        launch();
        return this;
    }

    private synchronized void launch() {
        KafkaStreams client = new KafkaStreams(topology, config.streamsConfig());
        client.setUncaughtExceptionHandler(e -> {
            long delayMs = transientRegistryFailure(e) && !closing ? replacements.nextDelayMs() : -1;
            if (delayMs >= 0) {
                // The registry, not the record, failed (the exception handlers failed the task instead of
                // dead-lettering): a new thread re-runs the task from its committed offsets once the registry answers.
                // The global thread cannot be replaced, so then the whole client is restarted (its store restores).
                boolean global = Thread.currentThread().getName().endsWith("GlobalStreamThread");
                log.warn("{} failed on a schema registry failure ({}); {} in {} ms",
                        global ? "global state thread" : "stream thread",
                        RegistryFailure.in(e).map(f -> f.kind() + ": " + f.cause().getMessage()).orElse(""),
                        global ? "restarting the pipeline" : "replacing it", delayMs);
                if (global) {
                    Thread restart = new Thread(() -> {
                        sleep(delayMs);
                        restart(client);
                    }, "sycostream-pipeline-restart");
                    restart.start();
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                sleep(delayMs);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            if (recoverable(e) && restarts < MAX_RESTARTS && !closing) {
                restarts++;
                log.warn("global state thread failed ({}); its local state was wiped, restarting the pipeline ({}/{})",
                        e.getCause() == null ? e : e.getCause(), restarts, MAX_RESTARTS);
                Thread restart = new Thread(() -> restart(client), "sycostream-pipeline-restart");
                restart.start();
            } else {
                failure = e;
                log.error("pipeline stopped by an unrecoverable error: {}", e.toString(), e);
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        client.setStateListener((now, before) -> {
            log.info("pipeline state {} -> {}", before, now);
            if ((now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) && client == streams
                    && (failure != null || closing)) {
                stopped.countDown();
            }
        });
        streams = client;
        client.start();
    }

    /** A registry failure that a later attempt may not meet: unreachable, 5xx, a registration race. */
    private static boolean transientRegistryFailure(Throwable e) {
        return RegistryFailure.in(e).map(f -> !f.blamesRecord() && f.isTransient()).orElse(false);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The global thread fails on an invalid offset of the targets topic (seen on freshly created topics); Kafka
     * Streams wipes the global store in that case and documents that a restart recovers, so we restart.
     */
    private static boolean recoverable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.clients.consumer.InvalidOffsetException) {
                return String.valueOf(e.getMessage()).contains("global state");
            }
        }
        return false;
    }

    private void restart(KafkaStreams failed) {
        failed.close(Duration.ofSeconds(30));
        synchronized (this) {
            if (!closing) {
                launch();
            }
        }
    }

    /** Waits until the client is RUNNING (all tasks assigned and restored). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (failure != null) {
                throw new IllegalStateException("pipeline failed to start: " + failure.getMessage(), failure);
            }
            KafkaStreams current = streams;
            if (current != null && current.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Blocks until the streams client stops (error or close); true if it stopped within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The error that stopped the pipeline, or null while it is healthy. */
    public Throwable failure() {
        return failure;
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        KafkaStreams current;
        synchronized (this) {
            closing = true;
            current = streams;
        }
        if (current != null) {
            current.close(Duration.ofSeconds(30));
        }
        stopped.countDown();
    }
}
