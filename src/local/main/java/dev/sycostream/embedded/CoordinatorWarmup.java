package dev.sycostream.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Brings up a fresh broker's transaction and group coordinators before any application uses them.
 *
 * <p>Both coordinators' topics ({@code __transaction_state}, {@code __consumer_offsets}) are created on the first
 * request that looks a coordinator up, and loaded asynchronously after that. On a fresh broker that first request
 * came from the pipeline's exactly-once producers and consumer group, which then raced the loading: their first
 * transactions were refused and retried ({@code CONCURRENT_TRANSACTIONS}, {@code COORDINATOR_LOAD_IN_PROGRESS}) and
 * the broker logged {@code OutOfOrderSequenceException} on the first appends to changelog partitions. A throwaway
 * transactional producer's {@code initTransactions()} returns only once the transaction coordinator has loaded its
 * partition, and describing a group makes the group coordinator do the same.
 */
final class CoordinatorWarmup {
    private static final String ID = "sycostream-embedded-warmup";

    private CoordinatorWarmup() {
    }

    static void await(String bootstrapServers, Duration timeout) {
        Map<String, Object> producer = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, ID,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer)) {
            p.initTransactions();
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.describeConsumerGroups(List.of(ID)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) { // no such group: the coordinator answered
                throw new IllegalStateException("the embedded broker's group coordinator did not come up: " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded broker's group coordinator did not come up within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the group coordinator", e);
        }
    }
}
