package dev.sycostream.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Server-Sent Events fan-out. {@link #publish} never blocks: each client has a bounded queue, drained by the HTTP
 * thread serving that client ({@link #serve}); a client that falls {@value #QUEUE} events behind is disconnected
 * (its browser reconnects and reloads the state over REST). A comment line every 15 s detects closed connections.
 */
public final class SseHub {
    static final int QUEUE = 10_000;
    private static final long HEARTBEAT_MS = 15_000;
    private static final String OVERFLOW = "\u0000overflow";

    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Sends {@code data} (one line of JSON) as an event named {@code event} to every connected client. */
    public void publish(String event, String data) {
        if (data.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("SSE data must be a single line");
        }
        String frame = "event: " + event + "\ndata: " + data + "\n\n";
        for (BlockingQueue<String> q : clients) {
            if (!q.offer(frame)) {
                q.clear();
                q.offer(OVERFLOW);
            }
        }
    }

    public int clientCount() {
        return clients.size();
    }

    /** Streams events to {@code out} until the client disconnects, falls behind, or the hub closes. */
    void serve(OutputStream out) throws IOException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        clients.add(queue);
        try {
            out.write("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closed) {
                String frame = queue.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                if (OVERFLOW.equals(frame)) {
                    return;
                }
                out.write((frame == null ? ": ping\n\n" : frame).getBytes(StandardCharsets.UTF_8));
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(queue);
        }
    }

    public void close() {
        closed = true;
        clients.forEach(q -> q.offer(OVERFLOW));
    }
}
