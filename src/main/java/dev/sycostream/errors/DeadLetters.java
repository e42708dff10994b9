package dev.sycostream.errors;

import dev.sycostream.avro.DeadLetter;

/**
 * Builds {@link DeadLetter} records. A dead letter always carries the reason, the stage that gave up and the
 * original bytes, so the record can be inspected and re-driven: nothing is silently dropped.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(String stage, String source, String reason, byte[] key, byte[] value,
                                Throwable error, long failedAtMs) {
        return DeadLetter.newBuilder()
                .setStage(stage)
                .setSource(source)
                .setReason(reason)
                .setOriginalKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : java.nio.ByteBuffer.wrap(value))
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setFailedAtMs(failedAtMs)
                .build();
    }

    /** "topic/partition/offset", the source of a record read from Kafka. */
    public static String kafkaSource(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** The message of the root cause, with its class when the message is empty. */
    public static String reasonOf(Throwable error) {
        Throwable root = error;
        StringBuilder sb = new StringBuilder(String.valueOf(error.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null && !sb.toString().contains(root.getMessage())) {
                sb.append(": ").append(root.getMessage());
            }
        }
        if (error.getMessage() == null) {
            return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        }
        return sb.toString();
    }
}
