package dev.sycostream.ingest;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;
import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes a dataset into the pipeline: every item to {@code sycostream.datasets.raw} keyed by item_id, every
 * rejected line to {@code sycostream.deadletter} (stage {@value #STAGE}) with its original bytes.
 *
 * <p>The items topic is compacted by item_id, and ids come from content, so ingesting the same dataset again
 * writes the same items under the same ids instead of duplicating them (the pipeline sees they are unchanged and
 * asks nothing); the idempotent producer keeps retries from reordering or doubling records.
 * {@link #ingest} returns only once the broker acknowledged every record, so a caller that reports success
 * has really stored the data.
 */
public final class DatasetIngestor implements AutoCloseable {
    public static final String STAGE = "ingest";
    private static final Logger log = LoggerFactory.getLogger(DatasetIngestor.class);

    /** How many records were stored: items accepted and rejected lines dead-lettered. */
    public record Counts(long accepted, long rejected) {
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<DatasetItem> itemSerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;

    public DatasetIngestor(Map<String, Object> clientConfig, Topics topics) {
        this.itemSerializer = topics.datasetsRaw().valueSerde().serializer();
        this.deadLetterSerializer = topics.deadletter().valueSerde().serializer();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-ingest");
        // Datasets are thousands of small records: batch them.
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends the items and the dead letters of the rejected lines, then waits for every acknowledgement.
     *
     * @throws IllegalStateException if any record could not be stored (the message names the first one and how
     *                               many failed); records sent before may already be stored, and re-running the
     *                               ingestion is safe since items are keyed by id
     */
    public Counts ingest(ReadResult result) {
        List<Pending> pending = new ArrayList<>(result.items().size() + result.rejected().size());
        long now = System.currentTimeMillis();
        for (DatasetItem item : result.items()) {
            // Serialized here rather than in the producer so a registry failure names the item.
            byte[] value = serialize(() -> itemSerializer.serialize(Topics.DATASETS_RAW, item), "item " + item.getItemId());
            pending.add(new Pending("item " + item.getItemId(), producer.send(
                    new ProducerRecord<>(Topics.DATASETS_RAW, item.getItemId(), value))));
        }
        for (Rejected rejected : result.rejected()) {
            DeadLetter letter = DeadLetters.of(STAGE, rejected.source(), rejected.reason(), null, rejected.original(),
                    null, now);
            byte[] value = serialize(() -> deadLetterSerializer.serialize(Topics.DEADLETTER, letter),
                    "dead letter for " + rejected.source());
            // Keyed by source ("file:line"): the dead-letter topic's key is the original key or the source.
            pending.add(new Pending("dead letter for " + rejected.source(), producer.send(
                    new ProducerRecord<>(Topics.DEADLETTER, rejected.source(), value))));
        }
        producer.flush();
        awaitAll(pending);
        log.info("ingested {} items into {} and {} rejected lines into {}", result.items().size(), Topics.DATASETS_RAW,
                result.rejected().size(), Topics.DEADLETTER);
        return new Counts(result.items().size(), result.rejected().size());
    }

    private record Pending(String what, Future<RecordMetadata> ack) {
    }

    private static void awaitAll(List<Pending> pending) {
        String firstFailure = null;
        int failed = 0;
        for (Pending p : pending) {
            try {
                p.ack().get(); // already complete after flush(); get() only surfaces the outcome
            } catch (ExecutionException e) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = p.what() + ": " + DeadLetters.reasonOf(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker to acknowledge the dataset", e);
            }
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + pending.size()
                    + " records could not be written to Kafka; first: " + firstFailure);
        }
    }

    private static byte[] serialize(java.util.function.Supplier<byte[]> serialize, String what) {
        try {
            return serialize.get();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot serialize " + what + ": " + DeadLetters.reasonOf(e), e);
        }
    }

    /**
     * Retires items: a tombstone per id in {@code sycostream.datasets.raw}, so the pipeline drops them from its items
     * store and never sends them to a target again (answers already counted stay counted: they were real answers
     * to questions that were asked). Returns once every tombstone is acknowledged.
     */
    public long retire(List<String> itemIds) {
        List<Pending> pending = new ArrayList<>(itemIds.size());
        for (String id : itemIds) {
            pending.add(new Pending("tombstone of item " + id, producer.send(new ProducerRecord<>(Topics.DATASETS_RAW, id, null))));
        }
        producer.flush();
        awaitAll(pending);
        if (!itemIds.isEmpty()) {
            log.info("retired {} items from {}", itemIds.size(), Topics.DATASETS_RAW);
        }
        return itemIds.size();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
