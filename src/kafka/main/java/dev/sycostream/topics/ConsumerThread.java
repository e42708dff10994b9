package dev.sycostream.topics;

import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;

/**
 * One daemon thread that follows a topic with a consumer it owns, and the way to stop it: {@link #close()} clears
 * {@link #running()}, wakes the consumer out of its poll and waits for the thread. The body polls while
 * {@link #running()} and closes the consumer when it ends; a consumer whose thread never started is closed here.
 */
public final class ConsumerThread implements AutoCloseable {
    private final Consumer<?, ?> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;

    public ConsumerThread(Consumer<?, ?> consumer, String name, Runnable body) {
        this.consumer = consumer;
        this.thread = new Thread(body, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** Whether the body should keep polling. */
    public boolean running() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
