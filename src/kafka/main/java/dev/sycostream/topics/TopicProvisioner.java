package dev.sycostream.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Creates the declared topics that are missing and reports how existing ones differ from their declaration
 * (partition count, cleanup policy, retention, replication factor, {@code min.insync.replicas}). Idempotent; it
 * never alters an existing topic, because changing partitions, cleanup or replication of a live topic is an
 * operator's decision. The replication is {@link Replication#forCluster}: 3 replicas with
 * {@code min.insync.replicas=2} on three brokers or more unless a factor is given.
 */
public final class TopicProvisioner {
    static final String MIN_INSYNC = "min.insync.replicas";
    private final Map<String, Object> adminConfig;

    public TopicProvisioner(Map<String, Object> adminConfig) {
        this.adminConfig = Map.copyOf(adminConfig);
    }

    /**
     * @param defaultPartitions  partitions for topics that do not fix their own
     * @param replicationFactor  -1 for the default of {@link Replication#forCluster}
     * @return one line per drift found (empty when everything matches)
     */
    public List<String> ensure(List<Topic<String, ?>> topics, int defaultPartitions, short replicationFactor) {
        try (Admin admin = Admin.create(adminConfig)) {
            int brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size();
            Replication replication = Replication.forCluster(brokers, replicationFactor);
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<String, ?> t : topics) {
                if (!existing.contains(t.name())) {
                    int partitions = t.partitions() > 0 ? t.partitions() : defaultPartitions;
                    Map<String, String> config = new java.util.HashMap<>(t.config());
                    config.putIfAbsent(MIN_INSYNC, Integer.toString(replication.minInsync()));
                    missing.add(new NewTopic(t.name(), Optional.of(partitions), Optional.of(replication.factor()))
                            .configs(config));
                }
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            if (!missing.isEmpty()) {
                awaitReady(admin, missing.stream().map(NewTopic::name).toList());
            }
            return drift(admin, topics, defaultPartitions, replication);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot reach the Kafka cluster to provision topics: " + cause, cause);
        }
    }

    /**
     * Waits until every partition of the new topics has a leader and answers offset queries: clients that
     * start right after creation (a global store restoring from an empty topic) otherwise see transient
     * out-of-range offsets.
     */
    private static void awaitReady(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
                boolean leaders = true;
                for (TopicDescription td : d.values()) {
                    for (var p : td.partitions()) {
                        leaders &= p.leader() != null && !p.leader().isEmpty();
                        latest.put(new org.apache.kafka.common.TopicPartition(td.name(), p.partition()),
                                org.apache.kafka.clients.admin.OffsetSpec.latest());
                    }
                }
                if (leaders) {
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("new topics " + names + " did not get partition leaders within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static List<String> drift(Admin admin, List<Topic<String, ?>> topics, int defaultPartitions,
                                      Replication replication) throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = topics.stream().map(Topic::name).toList();
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
        List<String> drift = new ArrayList<>();
        for (Topic<String, ?> t : topics) {
            int wanted = t.partitions() > 0 ? t.partitions() : defaultPartitions;
            int actual = descriptions.get(t.name()).partitions().size();
            // Fewer partitions than declared limits parallelism; more is an operator's choice for the default ones.
            if (actual != wanted && (t.partitions() > 0 || actual < wanted)) {
                drift.add(t.name() + ": " + actual + " partitions, declared " + wanted);
            }
            Map<String, String> actualConfig = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                    .entries().stream().collect(Collectors.toMap(ConfigEntry::name, e -> String.valueOf(e.value())));
            t.config().forEach((k, v) -> {
                if (!v.equals(actualConfig.get(k))) {
                    drift.add(t.name() + ": " + k + "=" + actualConfig.get(k) + ", declared " + v);
                }
            });
            // Fewer replicas or a lower min ISR than wanted weakens what a broker failure may cost; more is reported
            // too, because a min ISR the cluster cannot meet stops every write to the topic.
            int replicas = descriptions.get(t.name()).partitions().stream().mapToInt(p -> p.replicas().size())
                    .min().orElse(0);
            if (replicas != replication.factor()) {
                drift.add(t.name() + ": replication factor " + replicas + ", wanted " + replication.factor());
            }
            String minInsync = t.config().getOrDefault(MIN_INSYNC, Integer.toString(replication.minInsync()));
            if (!minInsync.equals(actualConfig.get(MIN_INSYNC))) {
                drift.add(t.name() + ": " + MIN_INSYNC + "=" + actualConfig.get(MIN_INSYNC) + ", wanted " + minInsync);
            }
        }
        return drift;
    }
}
