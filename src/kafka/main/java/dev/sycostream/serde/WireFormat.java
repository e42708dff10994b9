package dev.sycostream.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayOutputStream;

/**
 * Confluent's wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian), then the
 * Avro binary encoding of the record. Any Confluent-compatible consumer can read what we write.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * The schema id of a framed message.
     *
     * @throws SerializationException naming the topic, when the bytes are not in the wire format
     */
    public static int schemaId(String topic, byte[] bytes) {
        if (bytes.length < HEADER_SIZE) {
            throw new SerializationException("topic " + topic + ": " + bytes.length
                    + " bytes is too short for Confluent Avro wire format (a 5-byte header is needed)");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "topic %s: unknown magic byte 0x%02x: not Confluent Avro wire format", topic, bytes[0] & 0xff));
        }
        return ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    }
}
