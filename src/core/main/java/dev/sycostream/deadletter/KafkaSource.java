package dev.sycostream.deadletter;

import java.util.Optional;

/**
 * The Kafka record a dead letter came from, parsed back from its {@code source} ("topic/partition/offset", as
 * written by {@link DeadLetters#kafkaSource}). Sources of dataset lines ("file:line") are not Kafka sources.
 */
public record KafkaSource(String topic, int partition, long offset) {

    /** The Kafka source named by {@code source}, or empty when it is a file line or anything else. */
    public static Optional<KafkaSource> parse(String source) {
        if (source == null) {
            return Optional.empty();
        }
        // Topic names never contain '/', so the last two '/' separate partition and offset.
        int last = source.lastIndexOf('/');
        int middle = last <= 0 ? -1 : source.lastIndexOf('/', last - 1);
        if (middle <= 0) {
            return Optional.empty();
        }
        String topic = source.substring(0, middle);
        if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(source.substring(middle + 1, last));
            long offset = Long.parseLong(source.substring(last + 1));
            return partition < 0 || offset < 0 ? Optional.empty() : Optional.of(new KafkaSource(topic, partition, offset));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return DeadLetters.kafkaSource(topic, partition, offset);
    }
}
