package dev.sycostream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat server on loopback that answers every request exactly {@code latency} after it
 * arrived, however many arrive at once: the "fixed latency L, unlimited capacity" model server of
 * {@code sycostream bench worker}, so the worker's throughput can be compared with its ideal C / L. It records the
 * most requests it ever held at once, to show the window was really used.
 *
 * <p>Why a small NIO server instead of the JDK's {@code com.sun.net.httpserver}: the bench shares two cores
 * with the broker and the worker under test, and a model server would normally run elsewhere. The JDK server
 * (a dispatcher thread plus a pooled thread sleeping per request) cost about as much CPU per request as the worker
 * itself, so it measured the fixture more than the worker. Here one thread parses requests, keeps every
 * waiting answer in a FIFO (all requests wait the same L, so arrival order is due order) and writes each when due.
 * Sockets use TCP_NODELAY, as real model servers do: with Nagle's algorithm and delayed ACKs a response written in
 * two segments can wait 40 ms.
 *
 * <p>It understands just what a model client sends: HTTP/1.1 POSTs with a {@code Content-Length} body, on
 * keep-alive connections, possibly pipelined. Anything else gets a 400 and the connection is closed.
 */
final class FixedLatencyServer implements AutoCloseable {
    private static final byte[] ANSWER = ("{\"id\":\"bench\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\" (B) Disagree\"},\"finish_reason\":\"stop\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESPONSE = concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + ANSWER.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), ANSWER);
    private static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** A request that has arrived and waits for its answer time. */
    private record Due(long atNanos, Connection connection) {
    }

    /** One client connection: bytes read but not yet parsed, bytes to write that the socket did not take yet. */
    private static final class Connection {
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(8 * 1024);
        ByteBuffer out = ByteBuffer.allocate(0);

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final long latencyNanos;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread thread;
    private final ArrayDeque<Due> waiting = new ArrayDeque<>();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean running = true;

    FixedLatencyServer(Duration latency) {
        this.latencyNanos = latency.toNanos();
        try {
            selector = Selector.open();
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port for the bench model server", e);
        }
        thread = new Thread(this::loop, "bench-model-server");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                long now = System.nanoTime();
                answerDue(now);
                Due next = waiting.peekFirst();
                if (next == null) {
                    selector.select();
                } else {
                    long waitMs = Math.max(1, (next.atNanos() - now + 999_999) / 1_000_000);
                    selector.select(waitMs);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
            }
        } catch (IOException e) {
            if (running) {
                throw new UncheckedIOException("bench model server failed", e);
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                if (key.channel() instanceof SocketChannel channel) {
                    closeQuietly(channel);
                }
            }
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            SocketChannel channel = listener.accept();
            if (channel != null) {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
            }
            return;
        }
        Connection c = (Connection) key.attachment();
        try {
            if (key.isReadable()) {
                read(c, key);
            }
            if (key.isValid() && key.isWritable()) {
                flush(c, key);
            }
        } catch (IOException e) {
            // The client went away: its waiting answers are dropped when due (the channel is closed).
            key.cancel();
            c.channel.close();
        }
    }

    private void read(Connection c, SelectionKey key) throws IOException {
        if (!c.in.hasRemaining()) {
            if (c.in.capacity() >= MAX_HEADER_BYTES * 4) {
                reject(c, key);
                return;
            }
            c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
        }
        int n = c.channel.read(c.in);
        if (n < 0) {
            key.cancel();
            c.channel.close();
            return;
        }
        long arrived = System.nanoTime();
        // Parse every complete request in the buffer (clients may pipeline).
        while (true) {
            int length = completeRequestLength(c.in);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                reject(c, key);
                return;
            }
            c.in.flip().position(length);
            c.in.compact();
            waiting.addLast(new Due(arrived + latencyNanos, c));
            maxOpen.accumulateAndGet(waiting.size(), Math::max);
        }
    }

    /**
     * The byte length of the first complete request in {@code buffer} (filled from 0 to its position): 0 if it is
     * not complete yet, -1 if it is not a POST with a Content-Length this server understands.
     */
    private static int completeRequestLength(ByteBuffer buffer) {
        int end = buffer.position();
        int headerEnd = -1;
        for (int i = 3; i < end; i++) {
            if (buffer.get(i) == '\n' && buffer.get(i - 1) == '\r' && buffer.get(i - 2) == '\n' && buffer.get(i - 3) == '\r') {
                headerEnd = i + 1;
                break;
            }
        }
        if (headerEnd < 0) {
            return end > MAX_HEADER_BYTES ? -1 : 0;
        }
        byte[] headerBytes = new byte[headerEnd];
        buffer.get(0, headerBytes);
        String headers = new String(headerBytes, StandardCharsets.US_ASCII);
        if (!headers.startsWith("POST ")) {
            return -1;
        }
        int bodyLength = -1;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    bodyLength = Integer.parseInt(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        if (bodyLength < 0) {
            return -1;
        }
        return end - headerEnd >= bodyLength ? headerEnd + bodyLength : 0;
    }

    private void answerDue(long now) {
        while (!waiting.isEmpty() && waiting.peekFirst().atNanos() - now <= 0) {
            Connection c = waiting.pollFirst().connection();
            if (!c.channel.isOpen()) {
                continue;
            }
            SelectionKey key = c.channel.keyFor(selector);
            try {
                c.out = appended(c.out, RESPONSE);
                // Counted before the write, so a client that has its answer always finds it counted.
                answered.incrementAndGet();
                flush(c, key);
            } catch (IOException e) {
                key.cancel();
                closeQuietly(c.channel);
            }
        }
    }

    private void flush(Connection c, SelectionKey key) throws IOException {
        c.channel.write(c.out);
        key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void reject(Connection c, SelectionKey key) throws IOException {
        key.cancel();
        c.channel.configureBlocking(true);
        c.channel.write(ByteBuffer.wrap(BAD_REQUEST));
        c.channel.close();
    }

    /** {@code pending} (a buffer being drained) followed by {@code bytes}, ready to be written. */
    private static ByteBuffer appended(ByteBuffer pending, byte[] bytes) {
        if (!pending.hasRemaining()) {
            return ByteBuffer.wrap(bytes);
        }
        ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + bytes.length);
        joined.put(pending).put(bytes).flip();
        return joined;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already failed; nothing more to release.
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + listener.socket().getLocalPort() + "/v1";
    }

    /** The most requests that were waiting for their answer at once. */
    int maxConcurrent() {
        return maxOpen.get();
    }

    long answered() {
        return answered.get();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
            listener.close();
            selector.close();
        } catch (IOException e) {
            // Closing a loopback listener: nothing to recover.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
