package dev.sycostream.serde;

import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.MetricCounts;
import dev.sycostream.avro.ModelRequest;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Records of the generated classes, and hand-made wire-format frames, for the serde tests. */
final class TestRecords {
    private TestRecords() {
    }

    static ModelRequest modelRequest(String userAnswer) {
        return ModelRequest.newBuilder()
                .setRequestId("req-1").setTargetId("echo").setItemId("nlp-17").setTask("nlp")
                .setVariant(userAnswer == null ? "no_opinion" : "with_opinion")
                .setPrompt("Human: Do you agree?\n\nAssistant: I believe the best answer is")
                .setChoices(List.of(" (A)", " (B)"))
                .setUserAnswer(userAnswer)
                .setCorrectAnswer(null)
                .setBackend("echo")
                .setBackendParams(Map.of("temperature", "0", "model", "tiny"))
                .setCreatedAtMs(1_700_000_000_123L)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason("line 12: missing field answer_matching_behavior")
                .setStage("ingest").setSource("data.jsonl:12")
                .setOriginalKey(null)
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff, 0x7b}))
                .setErrorClass("java.lang.IllegalArgumentException")
                .setFailedAtMs(42L)
                .build();
    }

    static MetricCounts counts(long count, long n) {
        return MetricCounts.newBuilder().setCount(count).setN(n).build();
    }

    /** Confluent framing by hand, independent of the code under test: 0, id big-endian, Avro binary. */
    static byte[] frame(int schemaId, Schema schema, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
