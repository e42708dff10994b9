package dev.sycostream.input;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on '\n' (a trailing '\r' is dropped), without decoding: decoding is done per
 * line so that one bad line is rejected on its own instead of failing the file.
 *
 * <p>A line longer than the limit is not held in memory in full: its first {@code limit} bytes are kept and the
 * rest is only counted, so a corrupt file without newlines cannot exhaust the heap.
 */
public final class LineSplitter {
    /** One raw line: {@code bytes} holds at most the limit; {@code length} is the true length. */
    public record RawLine(int number, byte[] bytes, long length) {
        public boolean tooLong(int limit) {
            return length > limit;
        }
    }

    private final InputStream in;
    private final int limit;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkPos;
    private int chunkLen;
    private boolean eof;
    private int lineNumber;

    public LineSplitter(InputStream in, int limit) {
        this.in = in;
        this.limit = limit;
    }

    /** The next line, or null at the end of the stream. */
    public RawLine next() throws IOException {
        byte[] buf = new byte[256];
        int len = 0;
        long length = 0;
        boolean sawAnything = false;
        while (true) {
            if (chunkPos == chunkLen) {
                if (eof || !fill()) {
                    if (!sawAnything) {
                        return null;
                    }
                    break;
                }
            }
            sawAnything = true;
            byte b = chunk[chunkPos++];
            if (b == '\n') {
                break;
            }
            if (len < limit + 1) { // keep one byte past the limit so a trailing '\r' can still be recognised
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(limit + 1, buf.length * 2));
                }
                buf[len++] = b;
            }
            length++;
        }
        if (length > 0 && length == len && buf[len - 1] == '\r') {
            len--;
            length--;
        }
        lineNumber++;
        return new RawLine(lineNumber, Arrays.copyOf(buf, Math.min(len, limit)), length);
    }

    private boolean fill() throws IOException {
        int n = in.read(chunk, 0, chunk.length);
        while (n == 0) {
            n = in.read(chunk, 0, chunk.length);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        chunkPos = 0;
        chunkLen = n;
        return true;
    }
}
