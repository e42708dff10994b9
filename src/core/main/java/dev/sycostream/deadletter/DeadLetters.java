package dev.sycostream.deadletter;

import dev.sycostream.avro.DeadLetter;

/**
 * Builds {@link DeadLetter} records. A dead letter always carries the reason, the stage that gave up and the
 * original bytes, so the record can be inspected and re-driven: nothing is silently dropped.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    /**
     * The most bytes of an original key or value a letter keeps. Kafka refuses records over 1 MiB by default
     * (max.request.size, message.max.bytes), and a letter that cannot be written would lose the record it reports;
     * so a larger original (a 10 MB dataset line, a huge reply) is kept cut, with its length, and never replayed.
     */
    public static final int MAX_ORIGINAL_BYTES = 512 * 1024;

    public static DeadLetter of(String stage, String source, String reason, byte[] key, byte[] value,
                                Throwable error, long failedAtMs) {
        boolean valueCut = value != null && value.length > MAX_ORIGINAL_BYTES;
        boolean keyCut = key != null && key.length > MAX_ORIGINAL_BYTES;
        String note = (valueCut ? " [dead letter keeps the first " + MAX_ORIGINAL_BYTES + " of the value's " + value.length + " bytes]" : "")
                + (keyCut ? " [dead letter keeps the first " + MAX_ORIGINAL_BYTES + " of the key's " + key.length + " bytes]" : "");
        return DeadLetter.newBuilder()
                .setStage(stage)
                .setSource(source)
                .setReason(reason + note)
                .setOriginalKey(key == null ? null : java.nio.ByteBuffer.wrap(key, 0, Math.min(key.length, MAX_ORIGINAL_BYTES)).slice())
                .setOriginalValue(value == null ? null : java.nio.ByteBuffer.wrap(value, 0, Math.min(value.length, MAX_ORIGINAL_BYTES)).slice())
                .setOriginalValueLength(valueCut ? (Long) (long) value.length : null)
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
