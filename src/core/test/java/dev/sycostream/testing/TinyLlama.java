package dev.sycostream.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The project's own tiny GGUF checkpoint for tests and the demo: a randomly initialised llama (2 layers, 64-wide,
 * 4 query heads sharing 2 key/value heads, F32) with a SentencePiece-style vocabulary of our making. It answers
 * nonsense, which is the point: it is a real model file that real engines (llama.cpp in-process, llama-server)
 * load and evaluate, so the pipeline can be tested end to end on a real engine without downloading a checkpoint.
 *
 * <p>The weights are random except for one thing: byte tokens of non-ASCII bytes are improbable (see
 * {@link #NON_ASCII_BYTE_PENALTY}), so that generated text is ASCII. Fully determined by {@link #SEED}: {@link #write} produces the same bytes on every machine
 * ({@link Random#nextGaussian} is specified exactly). The vocabulary is {@code <unk>}, {@code <s>}, {@code </s>},
 * the 256 byte-fallback tokens {@code <0x00>..<0xFF>} (so any text tokenizes), {@code ▁} and the printable ASCII
 * characters, and every prefix of a few words of the prompts (SentencePiece merges pairs of pieces only when the
 * merged piece is in the vocabulary, so a word is reachable only through its prefixes). {@code ▁(} is a piece, so a
 * prompt ending in {@code " ("} leaves the bare choice letter as the next token, as in real llama vocabularies.
 *
 * <p>{@code java -cp target/test-classes:... dev.sycostream.testing.TinyLlama PATH} writes it; every build that compiles
 * the tests does this into {@code target/fixtures/tiny-llama.gguf} (exec-maven-plugin, phase process-test-classes).
 */
public final class TinyLlama {
    public static final long SEED = 2308_03958L; // arXiv 2308.03958
    public static final int N_EMBD = 64;
    public static final int N_HEAD = 4;
    public static final int N_HEAD_KV = 2;
    public static final int N_FF = 128;
    public static final int N_LAYER = 2;
    public static final int CONTEXT = 4096;
    /** Where the build writes it, relative to the project folder. */
    public static final Path DEFAULT_PATH = Path.of("target", "fixtures", "tiny-llama.gguf");

    /**
     * Feature 0 of every token embedding is this constant (the others are N(0, 1)): it survives the residual stream and
     * the final norm, so output weights on it act as a bias.
     */
    static final float BIAS_DIM_VALUE = 4f;
    /**
     * Weight of feature 0 against the byte tokens 0x80..0xFF: without it the untrained model generates raw non-ASCII
     * bytes, invalid UTF-8, which llama-server refuses to return (HTTP 500 "output that does not match the expected
     * format") and for which the in-process binding reports no probabilities. A trained model gives those byte
     * tokens little probability too; here they get about e^-11 of the others'.
     */
    static final float NON_ASCII_BYTE_PENALTY = 3f;

    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_BYTE = 6;
    private static final String SPACE = "\u2581";
    private static final List<String> WORDS = List.of("(", "A", "B", "C", "D", "I", "is", "the", "best", "better",
            "answer", "believe", "Agree", "Disagree", "option", "opinion", "claim", "What", "your", "following");

    private TinyLlama() {
    }

    /** The vocabulary, in token id order. */
    public static List<String> tokens() {
        Set<String> t = new LinkedHashSet<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            t.add(String.format("<0x%02X>", b));
        }
        t.add(SPACE);
        for (char c = '!'; c <= '~'; c++) {
            t.add(String.valueOf(c));
        }
        for (String w : WORDS) {
            String piece = SPACE + w;
            for (int end = 2; end <= piece.length(); end++) {
                t.add(piece.substring(0, end));
            }
        }
        for (String w : List.of("Human", "Assistant", "Choices", "Answer", "A)", "B)")) {
            for (int end = 2; end <= w.length(); end++) {
                t.add(w.substring(0, end));
            }
        }
        return new ArrayList<>(t);
    }

    /** The fixture at {@link #DEFAULT_PATH}, written first if it is not there yet. */
    public static synchronized Path path() {
        Path p = DEFAULT_PATH.toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            write(p);
        }
        return p;
    }

    /** Writes the checkpoint to {@code file} (atomically: a reader never sees half a file). */
    public static void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".part");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                writer().writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static GgufWriter writer() {
        List<String> tokens = tokens();
        int nVocab = tokens.size();
        float[] scores = new float[nVocab];
        int[] types = new int[nVocab];
        for (int i = 0; i < nVocab; i++) {
            String tok = tokens.get(i);
            if (i == 0) {
                types[i] = TYPE_UNKNOWN;
            } else if (i <= 2) {
                types[i] = TYPE_CONTROL;
            } else if (i < 3 + 256) {
                types[i] = TYPE_BYTE;
            } else {
                types[i] = TYPE_NORMAL;
                scores[i] = tok.codePointCount(0, tok.length()); // longer pieces are merged first
            }
        }
        int headDim = N_EMBD / N_HEAD;
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "sycostream tiny llama (random weights, seed " + SEED + ")")
                .putUint32("general.file_type", 0) // all F32
                .putUint32("llama.context_length", CONTEXT)
                .putUint32("llama.embedding_length", N_EMBD)
                .putUint32("llama.block_count", N_LAYER)
                .putUint32("llama.feed_forward_length", N_FF)
                .putUint32("llama.attention.head_count", N_HEAD)
                .putUint32("llama.attention.head_count_kv", N_HEAD_KV)
                .putUint32("llama.rope.dimension_count", headDim)
                .putFloat32("llama.rope.freq_base", 10000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUint32("llama.vocab_size", nVocab)
                .putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUint32("tokenizer.ggml.unknown_token_id", 0)
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                .putUint32("tokenizer.ggml.eos_token_id", 2)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
        Random rng = new Random(SEED);
        int kv = headDim * N_HEAD_KV;
        float[] embeddings = gaussian(rng, N_EMBD * nVocab, 1.0);
        for (int t = 0; t < nVocab; t++) {
            embeddings[t * N_EMBD] = BIAS_DIM_VALUE; // a constant feature, so the output layer can have a bias
        }
        w.tensor("token_embd.weight", new long[]{N_EMBD, nVocab}, embeddings);
        for (int layer = 0; layer < N_LAYER; layer++) {
            String b = "blk." + layer + ".";
            w.tensor(b + "attn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
            w.tensor(b + "attn_q.weight", new long[]{N_EMBD, N_EMBD}, gaussian(rng, N_EMBD * N_EMBD, 1 / Math.sqrt(N_EMBD)));
            w.tensor(b + "attn_k.weight", new long[]{N_EMBD, kv}, gaussian(rng, N_EMBD * kv, 1 / Math.sqrt(N_EMBD)));
            w.tensor(b + "attn_v.weight", new long[]{N_EMBD, kv}, gaussian(rng, N_EMBD * kv, 1 / Math.sqrt(N_EMBD)));
            w.tensor(b + "attn_output.weight", new long[]{N_EMBD, N_EMBD}, gaussian(rng, N_EMBD * N_EMBD, 1 / Math.sqrt(N_EMBD)));
            w.tensor(b + "ffn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
            w.tensor(b + "ffn_gate.weight", new long[]{N_EMBD, N_FF}, gaussian(rng, N_EMBD * N_FF, 1 / Math.sqrt(N_EMBD)));
            w.tensor(b + "ffn_up.weight", new long[]{N_EMBD, N_FF}, gaussian(rng, N_EMBD * N_FF, 1 / Math.sqrt(N_EMBD)));
            w.tensor(b + "ffn_down.weight", new long[]{N_FF, N_EMBD}, gaussian(rng, N_FF * N_EMBD, 1 / Math.sqrt(N_FF)));
        }
        w.tensor("output_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
        float[] output = gaussian(rng, N_EMBD * nVocab, 2 / Math.sqrt(N_EMBD));
        for (int t = 3 + 0x80; t < 3 + 0x100; t++) {
            output[t * N_EMBD] = -NON_ASCII_BYTE_PENALTY; // bytes 0x80..0xFF: improbable, as in a trained model
        }
        w.tensor("output.weight", new long[]{N_EMBD, nVocab}, output);
        return w;
    }

    private static float[] gaussian(Random rng, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * std);
        }
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    public static void main(String[] args) {
        Path out = args.length > 0 ? Path.of(args[0]) : DEFAULT_PATH;
        write(out);
        System.out.println(out.toAbsolutePath());
    }
}
