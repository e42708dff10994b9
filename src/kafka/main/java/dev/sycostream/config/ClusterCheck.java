package dev.sycostream.config;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Admin call at start-up that proves the cluster is reachable with the configured security settings.
 * Commands call it before starting long-lived clients, so wrong credentials end the command within seconds
 * with one clear line instead of surfacing later, deep inside a streams thread or a worker loop.
 */
public final class ClusterCheck {
    private ClusterCheck() {
    }

    /** Raises Kafka's NetworkClient logger to ERROR until closed (when logback is the SLF4J backend). */
    private static final class QuietReconnects implements AutoCloseable {
        private final ch.qos.logback.classic.Logger logger;
        private final ch.qos.logback.classic.Level before;

        QuietReconnects() {
            org.slf4j.Logger l = org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
            logger = l instanceof ch.qos.logback.classic.Logger lb ? lb : null;
            before = logger == null ? null : logger.getLevel();
            if (logger != null) {
                logger.setLevel(ch.qos.logback.classic.Level.ERROR);
            }
        }

        @Override
        public void close() {
            if (logger != null) {
                logger.setLevel(before);
            }
        }
    }

    /**
     * @return the cluster id
     * @throws IllegalStateException naming the bootstrap servers and the cause: authentication failed,
     *                               not authorized, or not reachable within {@code timeout}
     */
    public static String verify(Map<String, Object> clientConfig, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "sycostream-cluster-check");
        Object servers = clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        String protocol = String.valueOf(clientConfig.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        // While Kafka is unreachable its client logs a warning on every reconnect attempt; the one error below says
        // the same, so those lines are held back for the seconds of this check (commands start with it).
        try (QuietReconnects quiet = new QuietReconnects(); Admin admin = Admin.create(config)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException) {
                throw new IllegalStateException("Kafka authentication failed at " + servers + " (security.protocol="
                        + protocol + "): " + cause.getMessage()
                        + "; check the sasl.*/ssl.* settings in --kafka-config", cause);
            }
            if (cause instanceof AuthorizationException) {
                throw new IllegalStateException("Kafka at " + servers + " refused the request (not authorized): "
                        + cause.getMessage(), cause);
            }
            throw new IllegalStateException("cannot reach Kafka at " + servers + " (security.protocol=" + protocol
                    + "): " + cause, cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + servers + " (security.protocol=" + protocol
                    + ") within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + servers, e);
        }
    }
}
