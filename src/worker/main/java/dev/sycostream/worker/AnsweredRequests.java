package dev.sycostream.worker;

import org.apache.kafka.common.utils.Utils;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.TtlDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@link ReplyIndex}'s state on disk: a RocksDB database in the worker's state dir holding the digest of every
 * answered request id (with its reply's timestamp) and, per partition of the replies topic, the offset read up to.
 * Both are written in one {@link WriteBatch} and, without a write-ahead log, reach disk together in a memtable flush,
 * so after a crash the offsets never claim replies whose digests are missing: a restart reads only the replies
 * written since the last flush (since the close, after a clean stop). RocksDB keeps its memtables and block cache off the Java
 * heap, in fixed-size buffers, so neither the heap nor the start time grows with the number of replies.
 *
 * <p>The database remembers the id of the topic it was built from; another id (the topic was deleted and created
 * again, or the state dir comes from another cluster) or a missing one empties it in place; a database RocksDB
 * cannot open is deleted. Either way it is built again from the beginning of the topic, with a log line: reading too much costs time, skipping a request that
 * has no reply would lose an answer. A state dir locked by another live process (a fenced worker with the same id
 * still closing) is left alone: this process then indexes into a temporary dir deleted on close.
 *
 * <p>Digests expire with the topic's retention: a reply older than that is gone from the topic, and a request
 * replayed after it is answered again, as it was when the index was built from the topic alone. The TTL of the
 * database reclaims their space in compactions; the timestamp check makes the expiry exact in between.
 *
 * <p>Thread-safe: the index's reader thread writes while the worker's loop looks up; {@link #close()} waits for both.
 */
final class AnsweredRequests implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplyIndex.class);
    private static final byte DIGEST = 0;
    private static final byte OFFSET = 1;
    /** The topic id, with a version of this layout: a different layout is rebuilt, never misread. */
    private static final byte[] SOURCE_KEY = {2};
    private static final String LAYOUT = "v1:";

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final boolean temporary;
    private final long retentionMs;
    private final Resources resources;
    private final RocksDB db;
    private final Map<Integer, Long> offsets;
    /** Written again with every batch, so the TTL never expires it while the index is in use. */
    private byte[] source;
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    private AnsweredRequests(Path dir, boolean temporary, long retentionMs, Resources resources, RocksDB db,
                             Map<Integer, Long> offsets) {
        this.dir = dir;
        this.temporary = temporary;
        this.retentionMs = retentionMs;
        this.resources = resources;
        this.db = db;
        this.offsets = offsets;
    }

    /**
     * Opens (or builds anew) the index in {@code dir} for the replies topic with id {@code topicId}.
     *
     * @param retention the topic's retention; zero or negative: replies are kept forever, and so are digests
     */
    static AnsweredRequests open(Path dir, String topicId, Duration retention) {
        long retentionMs = retention.isNegative() ? 0 : retention.toMillis();
        try {
            return openChecked(dir, false, topicId, retentionMs);
        } catch (StateLocked e) {
            log.warn("reply index: state dir {} is in use by another process ({}); indexing into a temporary dir, "
                    + "from the beginning of the replies topic", dir, e.getMessage());
            try {
                return openChecked(Files.createTempDirectory("sycostream-reply-index-"), true, topicId, retentionMs);
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
        }
    }

    private static AnsweredRequests openChecked(Path dir, boolean temporary, String topicId, long retentionMs) {
        AnsweredRequests opened = openAs(dir, temporary, retentionMs, true);
        String source = opened.source();
        if (!(LAYOUT + topicId).equals(source)) {
            if (source != null) {
                log.info("reply index: state dir {} was built from another replies topic ({}, now {}); starting over "
                        + "from the beginning", dir, source, LAYOUT + topicId);
            }
            opened.startOver(LAYOUT + topicId);
        }
        return opened;
    }

    /** Opens {@code dir}; an unreadable database is wiped once and opened empty. */
    private static AnsweredRequests openAs(Path dir, boolean temporary, long retentionMs, boolean firstTry) {
        Resources resources = new Resources();
        RocksDB db = null;
        try {
            Files.createDirectories(dir);
            // TTL in seconds (0: forever), counted from the write, so never before the reply's own expiry.
            int ttl = (int) Math.min(Integer.MAX_VALUE, retentionMs / 1000);
            db = TtlDB.open(resources.options, dir.toString(), ttl, false);
            return new AnsweredRequests(dir, temporary, retentionMs, resources, db, readOffsets(db));
        } catch (RocksDBException e) {
            if (db != null) {
                db.close();
            }
            resources.close();
            if (isLock(e)) {
                throw new StateLocked(e.getMessage());
            }
            if (!firstTry) {
                throw new IllegalStateException("reply index: cannot create a database in " + dir + ": "
                        + e.getMessage(), e);
            }
            log.warn("reply index: state dir {} is unreadable ({}); starting over from the beginning of the replies "
                    + "topic", dir, e.getMessage());
            deleteRecursively(dir);
            return openAs(dir, temporary, retentionMs, false);
        } catch (IOException e) {
            resources.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The native objects the database is opened with, closed after it. Sizes are fixed: no growth with history. */
    private static final class Resources implements AutoCloseable {
        // Most lookups are misses (new requests): the bloom filter answers them without reading a block.
        final BloomFilter filter = new BloomFilter(10, false);
        final LRUCache cache = new LRUCache(16L << 20);
        final Options options = new Options()
                .setCreateIfMissing(true)
                .setParanoidChecks(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter).setBlockCache(cache))
                .setWriteBufferSize(8L << 20)
                .setMaxWriteBufferNumber(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        // No write-ahead log (as Kafka Streams' stores): digests and offsets reach disk together in a memtable flush,
        // so a crash loses both since the last flush, and the restart reads those replies again.
        final WriteOptions write = new WriteOptions().setDisableWAL(true);

        @Override
        public void close() {
            write.close();
            options.close();
            cache.close();
            filter.close();
        }
    }

    private static Map<Integer, Long> readOffsets(RocksDB db) throws RocksDBException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[]{OFFSET}); it.isValid() && it.key()[0] == OFFSET; it.next()) {
                if (it.key().length != 5 || it.value().length != Long.BYTES) {
                    throw new RocksDBException("an offset entry of " + it.key().length + "+" + it.value().length
                            + " bytes");
                }
                offsets.put(ByteBuffer.wrap(it.key(), 1, 4).getInt(), ByteBuffer.wrap(it.value()).getLong());
            }
            it.status();
        }
        return offsets;
    }

    private static boolean isLock(RocksDBException e) {
        Status status = e.getStatus();
        return status != null && status.getCode() == Status.Code.IOError
                && String.valueOf(e.getMessage()).toLowerCase().contains("lock");
    }

    private String source() {
        try {
            source = db.get(SOURCE_KEY);
            return source == null ? null : new String(source, StandardCharsets.UTF_8);
        } catch (RocksDBException e) {
            return null; // unreadable: rebuilt like a foreign one
        }
    }

    /** Forgets every digest and offset, in place (the lock stays held), and records the new source. */
    private void startOver(String newSource) {
        source = newSource.getBytes(StandardCharsets.UTF_8);
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(new byte[]{DIGEST}, new byte[]{(byte) (SOURCE_KEY[0] + 1)}); // every key
            batch.put(SOURCE_KEY, source);
            db.write(resources.write, batch);
        } catch (RocksDBException e) {
            close();
            throw new IllegalStateException("reply index: cannot reset " + dir + ": " + e.getMessage(), e);
        }
        offsets.clear();
    }

    /** Offset read up to, per partition of the replies topic, as of the open; a partition not in it starts at 0. */
    Map<Integer, Long> offsets() {
        return Map.copyOf(offsets);
    }

    Path dir() {
        return dir;
    }

    /** Replies read from the topic and the positions after them, written together by {@link #write}. */
    static final class Batch implements AutoCloseable {
        private final WriteBatch batch = new WriteBatch();

        void answered(byte[] replyKey, long timestamp) throws RocksDBException {
            batch.put(digestKey(RequestDigest.ofKey(replyKey)), longBytes(timestamp));
        }

        void position(int partition, long offset) throws RocksDBException {
            batch.put(ByteBuffer.allocate(5).put(OFFSET).putInt(partition).array(), longBytes(offset));
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    void write(Batch batch) throws RocksDBException {
        closing.readLock().lock();
        try {
            if (!closed) {
                batch.batch.put(SOURCE_KEY, source);
                db.write(resources.write, batch.batch);
            }
        } finally {
            closing.readLock().unlock();
        }
    }

    /** Remembers a reply this worker just committed, before the reader gets to it (the reader writes it again). */
    void add(String requestId, long timestamp) {
        closing.readLock().lock();
        try {
            if (!closed) {
                db.put(resources.write, digestKey(RequestDigest.of(requestId)), longBytes(timestamp));
            }
        } catch (RocksDBException e) {
            log.warn("reply index: cannot remember {} ({}); the reader will", requestId, e.getMessage());
        } finally {
            closing.readLock().unlock();
        }
    }

    /** Whether {@code requestId} has a reply still within the retention at {@code nowMs}. */
    boolean contains(String requestId, long nowMs) throws RocksDBException {
        closing.readLock().lock();
        try {
            if (closed) {
                return false;
            }
            byte[] timestamp = db.get(digestKey(RequestDigest.of(requestId)));
            return timestamp != null
                    && (retentionMs == 0 || ByteBuffer.wrap(timestamp).getLong() + retentionMs > nowMs);
        } finally {
            closing.readLock().unlock();
        }
    }

    /** RocksDB's estimate of the digests held (for the log: exact counting would read them all). */
    long estimatedSize() {
        try {
            return db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return -1;
        }
    }

    private static byte[] digestKey(byte[] digest) {
        byte[] key = new byte[1 + digest.length];
        key[0] = DIGEST;
        System.arraycopy(digest, 0, key, 1, digest.length);
        return key;
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
                db.flush(wait); // without a log, what is not flushed is read again at the next start
            } catch (RocksDBException e) {
                log.warn("reply index: flushing {} failed ({}); the next start reads more replies", dir, e.getMessage());
            }
            db.close();
            resources.close();
        } finally {
            closing.writeLock().unlock();
        }
        if (temporary) {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile()); // Kafka's own recursive delete; a missing dir is nothing to do
        } catch (IOException e) {
            throw new UncheckedIOException("reply index: cannot delete " + dir, e);
        }
    }


    /** Another live process holds the database's lock. */
    private static final class StateLocked extends RuntimeException {
        StateLocked(String message) {
            super(message);
        }
    }
}
