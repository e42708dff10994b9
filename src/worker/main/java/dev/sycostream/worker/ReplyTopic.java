package dev.sycostream.worker;

import dev.sycostream.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the {@link AnsweredRequests} index must know of the replies topic: its id, which tells a state dir built
 * from this topic from one built from a deleted and re-created topic or another cluster (same name, other
 * replies), and its retention, after which a reply is gone and its request counts as unanswered.
 *
 * @param id        the topic's id (a UUID, new for every creation of the topic)
 * @param retention {@code retention.ms}; zero when the topic keeps records forever
 */
record ReplyTopic(String id, Duration retention) {
    private static final Logger log = LoggerFactory.getLogger(ReplyIndex.class);
    private static final long TIMEOUT_SECONDS = 30;

    /** Asks the cluster. Without the id the index cannot be trusted, so that failure is thrown. */
    static ReplyTopic describe(Map<String, Object> clientConfig, String clientId) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        try (Admin admin = Admin.create(config)) {
            String id = admin.describeTopics(List.of(Topics.MODEL_REPLIES)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(Topics.MODEL_REPLIES).topicId().toString();
            return new ReplyTopic(id, retention(admin));
        } catch (ExecutionException e) {
            throw new KafkaException("cannot describe " + Topics.MODEL_REPLIES + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("cannot describe " + Topics.MODEL_REPLIES + " within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing " + Topics.MODEL_REPLIES, e);
        }
    }

    private static Duration retention(Admin admin) throws InterruptedException, TimeoutException {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_REPLIES);
        try {
            Config config = admin.describeConfigs(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            ConfigEntry entry = config.get(TopicConfig.RETENTION_MS_CONFIG);
            long ms = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
            return ms < 0 ? Duration.ZERO : Duration.ofMillis(ms);
        } catch (ExecutionException e) {
            // Without DescribeConfigs the digests are kept for good: only replays after the retention differ.
            log.warn("reply index: cannot read the retention of {} ({}); answered ids are kept until the state dir "
                    + "is deleted", Topics.MODEL_REPLIES, e.getCause().toString());
            return Duration.ZERO;
        }
    }
}
