package dev.sycostream.web;

import dev.sycostream.topics.TopicReaders;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.topics.ConsumerThread;
import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What happens from now on: a group-less, read_committed consumer of {@code sycostream.metrics.results} and
 * {@code sycostream.model.replies}, positioned at their ends. Each new result goes to the dashboard's event stream
 * (event {@code result}, the JSON of {@link Api#result}); each reply's latency goes to the worker latency histogram.
 * Undecodable records are skipped with a warning (the pipeline dead-letters them).
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MetricResult> results;
    private final Deserializer<ModelReply> replies;
    private final SseHub hub;
    private final PrometheusMetrics metrics;
    private final ConsumerThread follower;

    public LiveFeed(Map<String, Object> clientConfig, Topics topics, SseHub hub, PrometheusMetrics metrics) {
        this.results = topics.metricsResults().valueSerde().deserializer();
        this.replies = topics.modelReplies().valueSerde().deserializer();
        this.hub = hub;
        this.metrics = metrics;
        consumer = TopicReaders.open(clientConfig, "sycostream-web-feed", "latest", new StringDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.METRICS_RESULTS, Topics.MODEL_REPLIES)) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist; provision the topics first");
                }
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, not at the first poll
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        follower = new ConsumerThread(consumer, "sycostream-web-feed", this::run);
    }

    public LiveFeed start() {
        follower.start();
        return this;
    }

    private void run() {
        try {
            while (follower.running()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        continue;
                    }
                    try {
                        if (Topics.METRICS_RESULTS.equals(record.topic())) {
                            hub.publish("result", Api.toJson(Api.result(results.deserialize(record.topic(), record.value()))));
                        } else {
                            ModelReply reply = replies.deserialize(record.topic(), record.value());
                            metrics.recordLatency(reply.getTargetId(), reply.getLatencyMs());
                        }
                    } catch (KafkaException e) {
                        log.warn("dashboard feed skips {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                                e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("dashboard feed stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
