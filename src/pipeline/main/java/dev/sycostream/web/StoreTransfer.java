package dev.sycostream.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Store entries between pipeline instances ({@code /internal/store}): JSON with the writer's Avro schema once and
 * each value as base64 Avro binary, so the asking instance decodes them into its own classes by schema resolution
 * (an instance of the next version, during a rolling upgrade, reads the fields it knows). Values are the stores'
 * Avro records.
 */
final class StoreTransfer {
    private StoreTransfer() {
    }

    static String encode(List<? extends KeyValue<String, ?>> entries) {
        List<Map<String, String>> out = new ArrayList<>(entries.size());
        Schema schema = null;
        for (KeyValue<String, ?> kv : entries) {
            SpecificRecord v = (SpecificRecord) kv.value;
            schema = v.getSchema();
            Map<String, String> o = new LinkedHashMap<>();
            o.put("key", kv.key);
            o.put("value", Base64.getEncoder().encodeToString(bytes(v)));
            out.add(o);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", schema == null ? null : schema.toString());
        body.put("entries", out);
        return Api.toJson(body);
    }

    static <V> List<KeyValue<String, V>> decode(String json) {
        try {
            JsonNode body = Api.JSON.readTree(json);
            List<KeyValue<String, V>> out = new ArrayList<>();
            if (body.get("schema").isNull()) {
                return out;
            }
            Schema writer = new Schema.Parser().parse(body.get("schema").asText());
            Class<?> type = SpecificData.get().getClass(writer);
            if (type == null) {
                throw new IllegalStateException("no class here for the peer's record " + writer.getFullName());
            }
            Schema reader = SpecificData.get().getSchema(type);
            SpecificDatumReader<V> datum = new SpecificDatumReader<>(writer, reader);
            for (JsonNode e : body.get("entries")) {
                byte[] b = Base64.getDecoder().decode(e.get("value").asText());
                out.add(KeyValue.pair(e.get("key").asText(), datum.read(null, DecoderFactory.get().binaryDecoder(b, null))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a peer's store entries: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static byte[] bytes(SpecificRecord v) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(b, null);
            new SpecificDatumWriter<SpecificRecord>((Class<SpecificRecord>) v.getClass()).write(v, enc);
            enc.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
