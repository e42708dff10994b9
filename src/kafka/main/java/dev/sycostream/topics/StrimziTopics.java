package dev.sycostream.topics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the declared topics as Strimzi {@code KafkaTopic} resources (YAML, one document per topic), so a
 * Kubernetes cluster run by the Strimzi topic operator gets exactly the topics {@link Topics} declares. The
 * checked-in {@code deploy/k8s/topics.yaml} is this output; a test fails when it drifts.
 */
public final class StrimziTopics {
    public static final String API_VERSION = "kafka.strimzi.io/v1beta2";

    private StrimziTopics() {
    }

    /**
     * @param defaultPartitions partitions of topics that do not fix their own
     * @param replicas          replication factor of every topic
     * @param cluster           the Strimzi {@code Kafka} resource's name (label {@code strimzi.io/cluster})
     */
    public static String render(List<Topic<String, ?>> topics, int defaultPartitions, int replicas, String cluster) {
        if (defaultPartitions < 1 || replicas < 1) {
            throw new IllegalArgumentException("partitions and replicas must be at least 1, got "
                    + defaultPartitions + " and " + replicas);
        }
        if (!cluster.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new IllegalArgumentException("invalid Strimzi cluster name '" + cluster
                    + "': lower-case letters, digits and '-' only");
        }
        StringBuilder y = new StringBuilder();
        y.append("# Generated from dev.sycostream.topics.Topics by\n")
                .append("#   sycostream topics manifest --format strimzi --partitions ").append(defaultPartitions)
                .append(" --replicas ").append(replicas).append(" --cluster ").append(cluster).append('\n')
                .append("# Do not edit: change Topics.java and regenerate (a test checks this file matches).\n");
        for (Topic<String, ?> t : topics) {
            int partitions = t.partitions() > 0 ? t.partitions() : defaultPartitions;
            y.append("---\n")
                    .append("# ").append(t.doc()).append(" Key: ").append(t.key()).append(".\n")
                    .append("apiVersion: ").append(API_VERSION).append('\n')
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ").append(t.name()).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: ").append(cluster).append('\n')
                    .append("    app.kubernetes.io/part-of: sycostream\n")
                    .append("spec:\n")
                    .append("  topicName: ").append(t.name()).append('\n')
                    .append("  partitions: ").append(partitions).append('\n')
                    .append("  replicas: ").append(replicas).append('\n');
            Map<String, String> config = new TreeMap<>(t.config());
            // The min ISR that goes with the replication, as `topics apply` sets it (Replication#forCluster).
            config.putIfAbsent(TopicProvisioner.MIN_INSYNC, Integer.toString(Replication.minInsyncFor(replicas)));
            if (!config.isEmpty()) {
                y.append("  config:\n");
                config.forEach((k, v) -> y.append("    ").append(k).append(": \"").append(v).append("\"\n"));
            }
        }
        return y.toString();
    }
}
