package dev.sycostream.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * How far a consumer group is behind: the sum over the partitions it has committed offsets for, and those of the
 * given topics it has not, of end offset minus committed offset. Read with the admin client, as {@code
 * kafka-consumer-groups --describe} does.
 */
final class GroupLag implements AutoCloseable {
    private final Admin admin;

    GroupLag(Map<String, Object> clientConfig) {
        admin = Admin.create(clientConfig);
    }

    /** The group's lag; partitions of {@code inputs} it has never committed count whole. */
    long lag(String group, Collection<String> inputs) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            committed.keySet().forEach(p -> request.put(p, OffsetSpec.latest()));
            admin.describeTopics(inputs).allTopicNames().get().forEach((name, d) -> d.partitions().forEach(p ->
                    request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(request).all().get();
            long lag = 0;
            for (var e : end.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the lag of group " + group + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until the group's lag is 0 at two reads {@code settle} apart (a stage that emits on a wall-clock
     * punctuator writes to its repartition topic after its input is consumed). Checks {@code failed} between reads.
     *
     * @return false on timeout
     */
    boolean awaitCaughtUp(String group, Collection<String> inputs, Duration settle, Duration timeout,
                          BooleanSupplier failed) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int zeros = 0;
        while (System.nanoTime() < deadline) {
            if (failed.getAsBoolean()) {
                throw new IllegalStateException("the pipeline failed while digesting the history");
            }
            zeros = lag(group, inputs) == 0 ? zeros + 1 : 0;
            if (zeros == 2) {
                return true;
            }
            Thread.sleep(zeros == 1 ? settle.toMillis() : 200);
        }
        return false;
    }

    /** The sum of the end offsets of a topic's partitions (records written, plus transaction markers). */
    long endOffsets(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
