package dev.sycostream.deadletter;

import dev.sycostream.avro.DeadLetter;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One record of the dead-letter topic as stored: where it sits ({@code partition}/{@code offset} of
 * {@code sycostream.deadletter}) and the letter, or why the letter itself could not be read.
 *
 * @param letter    the decoded letter, null when {@code readError} is set
 * @param readError why the record is not a readable {@link DeadLetter}, or null
 */
public record StoredDeadLetter(int partition, long offset, DeadLetter letter, String readError) {

    /** Where the original record came from, when that was a Kafka topic. */
    public Optional<KafkaSource> kafkaSource() {
        return letter == null ? Optional.empty() : KafkaSource.parse(letter.getSource());
    }

    public byte[] originalKey() {
        return letter == null ? null : bytes(letter.getOriginalKey());
    }

    public byte[] originalValue() {
        return letter == null ? null : bytes(letter.getOriginalValue());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
