package dev.sycostream.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal writer of GGUF version 3 files (the checkpoint format of llama.cpp), enough to write F32 tensors and
 * the metadata types a llama checkpoint needs: little-endian throughout; header (magic {@code GGUF}, version, tensor
 * count, metadata count), the metadata key/value pairs, the tensor infos (name, dimensions innermost first, type,
 * offset into the data section), padding to {@link #ALIGNMENT}, then each tensor's data at its aligned offset.
 */
public final class GgufWriter {
    /** The default alignment of the data section and of every tensor in it (key {@code general.alignment}). */
    public static final int ALIGNMENT = 32;

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int VERSION = 3;
    private static final int TYPE_UINT32 = 4;
    private static final int TYPE_INT32 = 5;
    private static final int TYPE_FLOAT32 = 6;
    private static final int TYPE_BOOL = 7;
    private static final int TYPE_STRING = 8;
    private static final int TYPE_ARRAY = 9;
    private static final int GGML_TYPE_F32 = 0;

    private record Tensor(String name, long[] dims, float[] data) {
    }

    private final Map<String, byte[]> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter putString(String key, String value) {
        Buf b = new Buf().i32(TYPE_STRING).str(value);
        metadata.put(key, b.bytes());
        return this;
    }

    public GgufWriter putUint32(String key, int value) {
        metadata.put(key, new Buf().i32(TYPE_UINT32).i32(value).bytes());
        return this;
    }

    public GgufWriter putFloat32(String key, float value) {
        metadata.put(key, new Buf().i32(TYPE_FLOAT32).f32(value).bytes());
        return this;
    }

    public GgufWriter putBool(String key, boolean value) {
        metadata.put(key, new Buf().i32(TYPE_BOOL).u8(value ? 1 : 0).bytes());
        return this;
    }

    public GgufWriter putStrings(String key, List<String> values) {
        Buf b = new Buf().i32(TYPE_ARRAY).i32(TYPE_STRING).i64(values.size());
        values.forEach(b::str);
        metadata.put(key, b.bytes());
        return this;
    }

    public GgufWriter putFloats(String key, float[] values) {
        Buf b = new Buf().i32(TYPE_ARRAY).i32(TYPE_FLOAT32).i64(values.length);
        for (float v : values) {
            b.f32(v);
        }
        metadata.put(key, b.bytes());
        return this;
    }

    public GgufWriter putInts(String key, int[] values) {
        Buf b = new Buf().i32(TYPE_ARRAY).i32(TYPE_INT32).i64(values.length);
        for (int v : values) {
            b.i32(v);
        }
        metadata.put(key, b.bytes());
        return this;
    }

    /**
     * Adds an F32 tensor.
     *
     * @param dims ggml order: the contiguous (innermost) dimension first, e.g. {@code {n_embd, n_vocab}} for an
     *             embedding table of n_vocab rows of n_embd values
     */
    public GgufWriter tensor(String name, long[] dims, float[] data) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": dims hold " + n + " values, data has " + data.length);
        }
        tensors.add(new Tensor(name, dims.clone(), data));
        return this;
    }

    public void writeTo(OutputStream out) throws IOException {
        Buf head = new Buf().i32(MAGIC).i32(VERSION).i64(tensors.size()).i64(metadata.size());
        for (Map.Entry<String, byte[]> kv : metadata.entrySet()) {
            head.str(kv.getKey()).raw(kv.getValue());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            head.str(t.name()).i32(t.dims().length);
            for (long d : t.dims()) {
                head.i64(d);
            }
            head.i32(GGML_TYPE_F32).i64(offset);
            offsets.add(offset);
            offset = align(offset + 4L * t.data().length);
        }
        head.pad();
        out.write(head.bytes());
        long written = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            byte[] zeros = new byte[(int) (offsets.get(i) - written)];
            out.write(zeros);
            ByteBuffer data = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(t.data());
            out.write(data.array());
            written = offsets.get(i) + 4L * t.data().length;
        }
        out.write(new byte[(int) (align(written) - written)]);
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** A growable little-endian byte buffer. */
    private static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Buf u8(int v) {
            out.write(v);
            return this;
        }

        Buf i32(int v) {
            scratch.clear();
            out.write(scratch.putInt(v).array(), 0, 4);
            return this;
        }

        Buf i64(long v) {
            scratch.clear();
            out.write(scratch.putLong(v).array(), 0, 8);
            return this;
        }

        Buf f32(float v) {
            scratch.clear();
            out.write(scratch.putFloat(v).array(), 0, 4);
            return this;
        }

        Buf str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Buf raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Buf pad() {
            while (out.size() % ALIGNMENT != 0) {
                out.write(0);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
