package dev.sycostream.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The tiny GGUF fixture is reproducible and well-formed at the header level (llama.cpp loading it is LocalBackendTest's). */
class TinyLlamaTest {
    @TempDir
    Path dir;

    @Test
    void twoWritesAreByteForByteEqual() throws Exception {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        TinyLlama.write(a);
        TinyLlama.write(b);
        assertThat(sha256(a)).isEqualTo(sha256(b));
        assertThat(Files.size(a)).as("a few hundred KB, not MB").isBetween(100_000L, 4_000_000L);
    }

    @Test
    void headerIsGgufVersion3WithOneTensorPerWeightAndAlignedSize() throws Exception {
        Path a = dir.resolve("a.gguf");
        TinyLlama.write(a);
        byte[] bytes = Files.readAllBytes(a);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GGUF");
        assertThat(b.getInt(4)).isEqualTo(3);
        long tensors = b.getLong(8);
        assertThat(tensors).isEqualTo(3 + 9L * TinyLlama.N_LAYER); // embeddings, output norm, output; 9 per block
        assertThat(b.getLong(16)).as("metadata pairs").isGreaterThan(15);
        assertThat(bytes.length % GgufWriter.ALIGNMENT).isZero();
    }

    @Test
    void vocabularyHasByteFallbackAndTheOpenParenPiece() {
        var tokens = TinyLlama.tokens();
        assertThat(tokens.subList(0, 3)).containsExactly("<unk>", "<s>", "</s>");
        assertThat(tokens.get(3)).isEqualTo("<0x00>");
        assertThat(tokens.get(3 + 255)).isEqualTo("<0xFF>");
        assertThat(tokens).contains("\u2581(", "A", "B", "\u2581A").doesNotHaveDuplicates();
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
