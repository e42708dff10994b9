package dev.sycostream.errors;

import dev.sycostream.deadletter.DeadLetters;
import dev.sycostream.deadletter.KafkaSource;
import dev.sycostream.deadletter.StoredDeadLetter;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends dead letters' original bytes (key and value, unchanged) back to the topic and partition they were read
 * from, so the stage that gave up reads them again, e.g. after the bug or the missing schema that made it give up
 * was fixed. Each replayed record carries a header {@value #HEADER} naming the dead letter it came from.
 *
 * <p>Only letters whose source is a Kafka record can go back; a rejected dataset line ("file:line") is skipped with
 * the reason: the fix is to correct the file and ingest it again. The pipeline counts each request once, so a
 * replayed request or reply that was in fact processed before does not change any count.
 */
public final class DeadLetterReplayer implements AutoCloseable {
    public static final String HEADER = "sycostream.replayed-from";

    /** What happened to one selected dead letter. */
    public record Outcome(StoredDeadLetter stored, KafkaSource target, String skipped) {
        public boolean replayable() {
            return skipped == null;
        }
    }

    private final Map<String, Object> clientConfig;
    private final Set<String> knownTopics;
    private KafkaProducer<byte[], byte[]> producer;

    /** @param knownTopics the topics a letter may be sent back to (the declared ones) */
    public DeadLetterReplayer(Map<String, Object> clientConfig, Set<String> knownTopics) {
        this.clientConfig = clientConfig;
        this.knownTopics = Set.copyOf(knownTopics);
    }

    /** Where each letter would go, or why it cannot; sends nothing. */
    public List<Outcome> plan(List<StoredDeadLetter> letters) {
        List<Outcome> outcomes = new ArrayList<>();
        for (StoredDeadLetter s : letters) {
            if (s.letter() == null) {
                outcomes.add(new Outcome(s, null, "the dead letter itself is unreadable (" + s.readError() + ")"));
                continue;
            }
            var source = s.kafkaSource();
            if (source.isEmpty()) {
                outcomes.add(new Outcome(s, null, "source '" + s.letter().getSource()
                        + "' is not a Kafka record (fix the file and ingest it again)"));
            } else if (!knownTopics.contains(source.get().topic())) {
                outcomes.add(new Outcome(s, null, "source topic " + source.get().topic() + " is not a sycostream topic"));
            } else if (s.letter().getOriginalValueLength() != null) {
                outcomes.add(new Outcome(s, null, "only the first " + s.originalValue().length + " of "
                        + s.letter().getOriginalValueLength() + " bytes were kept; a cut record is not sent back"));
            } else if (s.originalValue() == null) {
                outcomes.add(new Outcome(s, null, "no original value was kept"));
            } else {
                outcomes.add(new Outcome(s, source.get(), null));
            }
        }
        return outcomes;
    }

    /**
     * Sends every replayable outcome and waits for the broker's acknowledgement of each.
     *
     * @return how many were sent
     * @throws IllegalStateException naming the first letter that could not be written
     */
    public int replay(List<Outcome> outcomes) {
        List<Outcome> sendable = outcomes.stream().filter(Outcome::replayable).toList();
        if (sendable.isEmpty()) {
            return 0;
        }
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sycostream-deadletter-replay");
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (Outcome o : sendable) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(HEADER, DeadLetters.kafkaSource(dev.sycostream.topics.Topics.DEADLETTER, o.stored().partition(),
                    o.stored().offset()).getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(new ProducerRecord<>(o.target().topic(), o.target().partition(), null,
                    o.stored().originalKey(), o.stored().originalValue(), headers)));
        }
        producer.flush();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (Exception e) {
                throw new IllegalStateException("could not replay dead letter at offset " + sendable.get(i).stored().offset()
                        + " to " + sendable.get(i).target().topic() + "/" + sendable.get(i).target().partition() + ": "
                        + DeadLetters.reasonOf(e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e), e);
            }
        }
        return sendable.size();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
