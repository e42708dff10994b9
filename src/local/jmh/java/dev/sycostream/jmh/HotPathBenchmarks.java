package dev.sycostream.jmh;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.bench.BenchItems;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.prompts.RequestIds;
import dev.sycostream.scoring.AnswerParser;
import dev.sycostream.serde.SpecificAvroSerde;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-answer hot paths of the pipeline: Avro serde of a request and a reply (Confluent wire format, the
 * in-memory mock registry so no network is timed), prompt rendering with the request id hash, and answer parsing.
 * Run with {@code mvn -B -o -Pjmh test-compile exec:exec} (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.sycostream.avro,java.lang,java.util,org.apache.avro.util")
@State(Scope.Thread)
public class HotPathBenchmarks {
    private DatasetItem item;
    private ModelRequest request;
    private byte[] requestBytes;
    private ModelReply reply;
    private byte[] replyBytes;
    private Serializer<ModelRequest> requestSerializer;
    private Deserializer<ModelRequest> requestDeserializer;
    private Serializer<ModelReply> replySerializer;
    private Deserializer<ModelReply> replyDeserializer;
    private final List<String> choices = List.of("Agree", "Disagree");

    @Setup
    public void setUp() {
        Map<String, Object> serde = Map.of("schema.registry.url", "mock://jmh");
        Topics topics = new Topics(serde);
        requestSerializer = topics.modelRequests().valueSerde().serializer();
        requestDeserializer = topics.modelRequests().valueSerde().deserializer();
        replySerializer = topics.modelReplies().valueSerde().serializer();
        replyDeserializer = topics.modelReplies().valueSerde().deserializer();
        item = BenchItems.generate(1, 7, 0L).get(0);
        request = request(item, PromptRenderer.render(item).get(1));
        requestBytes = requestSerializer.serialize(Topics.MODEL_REQUESTS, request);
        reply = ModelReply.newBuilder().setRequestId(request.getRequestId()).setTargetId("bench")
                .setText(" (B) Disagree").setError(null).setWorkerId("w").setAttempts(1).setLatencyMs(0)
                .setRepliedAtMs(1L).build();
        replyBytes = replySerializer.serialize(Topics.MODEL_REPLIES, reply);
    }

    private static ModelRequest request(DatasetItem item, PromptVariant v) {
        return ModelRequest.newBuilder()
                .setRequestId(RequestIds.of("bench", item.getItemId(), v.variant()))
                .setTargetId("bench").setItemId(item.getItemId()).setTask(item.getTask()).setVariant(v.variant())
                .setPrompt(v.prompt()).setChoices(v.choices()).setUserAnswer(v.userAnswer())
                .setCorrectAnswer(v.correctAnswer()).setBackend("simulated")
                .setBackendParams(new HashMap<>(Map.of("sycophancy", "0.75", "knowledge", "0.9", "seed", "3")))
                .setCreatedAtMs(1L).build();
    }

    @Benchmark
    public byte[] serializeRequest() {
        return requestSerializer.serialize(Topics.MODEL_REQUESTS, request);
    }

    @Benchmark
    public ModelRequest deserializeRequest() {
        return requestDeserializer.deserialize(Topics.MODEL_REQUESTS, requestBytes);
    }

    @Benchmark
    public byte[] serializeReply() {
        return replySerializer.serialize(Topics.MODEL_REPLIES, reply);
    }

    @Benchmark
    public ModelReply deserializeReply() {
        return replyDeserializer.deserialize(Topics.MODEL_REPLIES, replyBytes);
    }

    /** Both variants of an addition item, as the prompt stage renders them. */
    @Benchmark
    public List<PromptVariant> renderAddition() {
        return PromptRenderer.render(item);
    }

    /** The SHA-256 request id of one request. */
    @Benchmark
    public String requestId() {
        return RequestIds.of("bench", item.getItemId(), "with_opinion");
    }

    @Benchmark
    public Object parseSimulatedAnswer() {
        return AnswerParser.parseLetter(" (B) Disagree", choices);
    }

    @Benchmark
    public Object parseFreeTextAnswer() {
        return AnswerParser.parseLetter(" I think the answer is (B), since 3 + 4 is not 2345678.", choices);
    }

    /** Unused; keeps the serde class referenced so a change of its package fails this build, not at run time. */
    static Class<?> serdeClass() {
        return SpecificAvroSerde.class;
    }
}
