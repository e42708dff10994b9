package dev.sycostream.targets;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.topics.Topics;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.usage.Prices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Registers a model checkpoint for evaluation by writing its {@link EvalTarget} to the compacted
 * {@code sycostream.eval.targets} topic, keyed by target_id (re-registering a target replaces it).
 */
public final class TargetRegistrar implements AutoCloseable {
    /**
     * Allowed target ids. The id is joined with '|' into the keys of scored answers and metrics
     * ("target|item", "target|task|metric|window"), so it must not contain '|' (or spaces, which make
     * command lines and reports ambiguous).
     */
    public static final Pattern TARGET_ID = Pattern.compile("[A-Za-z0-9._@:+-]{1,200}");
    private static final Logger log = LoggerFactory.getLogger(TargetRegistrar.class);
    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<EvalTarget> serializer;

    public TargetRegistrar(Map<String, Object> clientConfig, Topics topics) {
        this.serializer = topics.evalTargets().valueSerde().serializer();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-targets");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * An active target registered now.
     *
     * @param params backend settings (never secrets: the topic is readable by every stage); null = none
     * @throws IllegalArgumentException if the target id is not allowed (see {@link #TARGET_ID}) or a field is missing
     */
    public static EvalTarget target(String targetId, String model, String checkpoint, String backend,
                                    Map<String, String> params) {
        validateTargetId(targetId);
        requireText("model", model, targetId);
        requireText("checkpoint", checkpoint, targetId);
        requireText("backend", backend, targetId);
        try {
            Prices.fromParams(params); // a price that does not parse fails here, not as an unknown cost later
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("target " + targetId + ": " + e.getMessage(), e);
        }
        return EvalTarget.newBuilder()
                .setTargetId(targetId)
                .setModel(model)
                .setCheckpoint(checkpoint)
                .setBackend(backend)
                .setParams(params == null ? new HashMap<>() : new HashMap<>(params))
                .setActive(true)
                .setRegisteredAtMs(System.currentTimeMillis())
                .build();
    }

    /**
     * The replay cost cap in pico-USD ({@code target add --max-cost-usd}), null for none.
     *
     * @throws IllegalArgumentException for a negative cap, or a cap on a target without prices (its cost is unknown)
     */
    public static Long replayCap(BigDecimal usd, Map<String, String> params) {
        if (usd == null) {
            return null;
        }
        if (usd.signum() < 0) {
            throw new IllegalArgumentException("--max-cost-usd must not be negative, got " + usd.toPlainString());
        }
        if (Prices.fromParams(params == null ? Map.of() : params).isEmpty()) {
            throw new IllegalArgumentException("--max-cost-usd needs the target's prices (--param " + Prices.IN
                    + "=... --param " + Prices.OUT + "=...): without them what a request costs is unknown");
        }
        return Prices.picoUsd(usd);
    }

    /** @throws IllegalArgumentException with the reason when {@code targetId} is not allowed */
    public static void validateTargetId(String targetId) {
        if (targetId == null || !TARGET_ID.matcher(targetId).matches()) {
            throw new IllegalArgumentException("invalid target id '" + targetId + "': use 1 to 200 characters of "
                    + "letters, digits and . _ @ : + - (no '|' or spaces: the id is joined with '|' in record keys)");
        }
    }

    /**
     * Writes the target and waits for the broker's acknowledgement.
     *
     * @throws IllegalArgumentException if its id is not allowed
     * @throws IllegalStateException    if it could not be stored, with the reason
     */
    public void register(EvalTarget target) {
        validateTargetId(target.getTargetId());
        try {
            ProbeBudgets.requireUsable(target.getProbe(), target.getParams());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("target " + target.getTargetId() + ": " + e.getMessage(), e);
        }
        byte[] value;
        try {
            value = serializer.serialize(Topics.EVAL_TARGETS, target);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot serialize target " + target.getTargetId() + ": "
                    + DeadLetters.reasonOf(e), e);
        }
        try {
            producer.send(new ProducerRecord<>(Topics.EVAL_TARGETS, target.getTargetId(), value))
                    .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot register target " + target.getTargetId() + " in "
                    + Topics.EVAL_TARGETS + ": " + DeadLetters.reasonOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot register target " + target.getTargetId() + ": no acknowledgement from "
                    + "Kafka within " + SEND_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering target " + target.getTargetId(), e);
        }
        log.info("registered target {} (model {}, checkpoint {}, backend {})", target.getTargetId(), target.getModel(),
                target.getCheckpoint(), target.getBackend());
    }

    private static void requireText(String field, String value, String targetId) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("target " + targetId + ": " + field + " must not be empty");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
