package dev.sycostream.worker.backend.local;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.LogLevel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One GGUF checkpoint loaded in this process by llama.cpp (through the {@code de.kherud:llama} JNI binding): one
 * context with {@code parallel} sequence slots, and a pool of as many daemon threads that each evaluate one request at
 * a time, so at most {@code parallel} requests are in the engine and each has a slot of its own.
 *
 * <p>Engines are shared by every target of the process that loads the same file with the same slots, threads and
 * context (targets that differ only in scoring reuse the weights) and live as long as the process: the binding's
 * {@code close()} frees the context under its still-running server thread, which crashes the JVM (SIGSEGV) on the
 * next step or at exit. The worker process therefore ends with {@code System.exit}, as the CLI does, and the loop's
 * threads die with it.
 */
final class LlamaEngine {
    private static final Logger log = LoggerFactory.getLogger(LlamaEngine.class);
    private static final Logger nativeLog = LoggerFactory.getLogger("llama.cpp");
    private static final Map<Key, LlamaEngine> ENGINES = new ConcurrentHashMap<>();
    private static volatile boolean loggerSet;
    static final int SAMPLE_ATTEMPTS = 16;

    record Key(Path path, int parallel, int threads, int ctxSize) {
    }

    private final Key key;
    private final LlamaModel model;
    private final ExecutorService pool;

    private LlamaEngine(Key key) {
        this.key = key;
        long start = System.nanoTime();
        ModelParameters params = new ModelParameters()
                .setModelFilePath(key.path().toString())
                .setNParallel(key.parallel())
                .setNCtx(key.ctxSize() * key.parallel()) // the context is divided evenly among the slots
                .setNThreads(key.threads())
                .setNThreadsBatch(key.threads());
        this.model = new LlamaModel(params);
        AtomicInteger n = new AtomicInteger();
        String file = key.path().getFileName().toString();
        this.pool = Executors.newFixedThreadPool(key.parallel(), r -> {
            Thread t = new Thread(r, "local-" + file + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        log.info("loaded {} in-process (llama.cpp): {} slot(s) of {} tokens, {} thread(s), in {} ms", key.path(),
                key.parallel(), key.ctxSize(), key.threads(), (System.nanoTime() - start) / 1_000_000);
    }

    /** The engine for these settings, loading the checkpoint on first use. */
    static LlamaEngine of(LocalSettings s) {
        routeNativeLog();
        return ENGINES.computeIfAbsent(new Key(s.path(), s.parallel(), s.threads(), s.ctxSize()), LlamaEngine::new);
    }

    /** llama.cpp logs every load and request; to slf4j (debug, warnings as warnings) instead of raw stderr. */
    private static void routeNativeLog() {
        if (loggerSet) {
            return;
        }
        synchronized (LlamaEngine.class) {
            if (!loggerSet) {
                loadNativeLibrary();
                LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {
                    String m = message == null ? "" : message.strip();
                    if (m.isEmpty()) {
                        return;
                    }
                    if (level == LogLevel.ERROR) {
                        nativeLog.error(m);
                    } else if (level == LogLevel.WARN) {
                        nativeLog.warn(m);
                    } else {
                        nativeLog.debug(m);
                    }
                });
                loggerSet = true;
            }
        }
    }

    /**
     * Initialises the binding (extracts and loads its native libraries) with {@code System.out} pointed at
     * {@code System.err}: its loader prints "Extracted 'libllama.so' to ..." on standard output, which would corrupt
     * {@code demo --json}. Once per process, before any model; output of other threads during those milliseconds
     * goes to standard error too.
     */
    private static void loadNativeLibrary() {
        PrintStream out = System.out;
        System.setOut(System.err);
        try {
            Class.forName(LlamaModel.class.getName(), true, LlamaEngine.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the llama.cpp binding is not on the class path", e);
        } finally {
            System.setOut(out);
        }
    }

    /** The pool requests to this engine run on: {@code parallel} threads, one per slot. */
    ExecutorService pool() {
        return pool;
    }

    int slotContext() {
        return key.ctxSize();
    }

    int tokenCount(String text) {
        return model.encode(text).length;
    }

    /**
     * The next-token distribution after {@code prompt}, as the binding reports it: token text → probability for the
     * {@code nProbs} most probable tokens (all of them when nProbs exceeds the vocabulary). Exact: temperature 1 and no
     * truncation (top-k 0, top-p 1, min-p 0), so these are the softmax of the logits. Tokens whose texts are equal
     * (e.g. "A" and the byte token {@code <0x41>}) share one key, so one of them is reported.
     *
     * <p>The engine samples one token to report them, and when that token is an incomplete UTF-8 sequence (a byte
     * token such as {@code <0xE2>}) it holds the token back and reports no probabilities. The distribution does not
     * depend on the sample, so the request is evaluated again with another sampler seed (the prompt is cached);
     * empty only when {@value #SAMPLE_ATTEMPTS} samples in a row were incomplete.
     */
    Map<String, Float> nextTokenProbabilities(String prompt, int nProbs, int seed) {
        for (int attempt = 0; attempt < SAMPLE_ATTEMPTS; attempt++) {
            InferenceParameters p = new InferenceParameters(prompt)
                    .setNPredict(1).setTemperature(1f).setTopK(0).setTopP(1f).setMinP(0f)
                    .setNProbs(nProbs).setSeed(seed + attempt).setCachePrompt(true);
            for (LlamaOutput out : model.generate(p)) {
                if (out.probabilities != null && !out.probabilities.isEmpty()) {
                    return out.probabilities;
                }
            }
        }
        return Map.of();
    }

    /** Greedy (temperature 0) continuation of {@code prompt}, at most {@code maxTokens} tokens. */
    String generate(String prompt, int maxTokens, int seed) {
        return model.complete(new InferenceParameters(prompt)
                .setNPredict(maxTokens).setTemperature(0f).setSeed(seed).setCachePrompt(true));
    }
}
