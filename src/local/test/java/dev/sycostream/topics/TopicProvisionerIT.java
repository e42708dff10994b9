package dev.sycostream.topics;

import dev.sycostream.cli.Main;
import dev.sycostream.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sycostream topics apply} on a real in-process broker: it creates every declared topic with its declared
 * partitions, cleanup policy and retention (one replica, min.insync.replicas 1 on this one-broker cluster); a second
 * run changes nothing and reports no drift; topics that exist with a different cleanup policy, fewer partitions or
 * another min.insync.replicas are reported (exit 2) and left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicProvisionerIT {
    private static final int PARTITIONS = 6;
    private EmbeddedKafkaBroker broker;
    private Admin admin;
    private final Topics topics = new Topics(Map.of("schema.registry.url", "http://127.0.0.1:1"));

    @BeforeAll
    void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Result apply() {
        return apply("--replication-factor", "1");
    }

    private Result apply(String... extra) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            List<String> args = new java.util.ArrayList<>(List.of("topics", "apply", "--bootstrap-servers",
                    broker.bootstrapServers(), "--schema-registry-url", "http://127.0.0.1:1", "--partitions",
                    Integer.toString(PARTITIONS)));
            args.addAll(List.of(extra));
            int code = Main.execute(args.toArray(String[]::new));
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private record Result(int code, String out, String err) {
        List<String> driftLines() {
            return out.lines().filter(l -> l.startsWith("drift ")).toList();
        }
    }

    @Test
    @Order(1)
    void createsEveryTopicWithItsDeclaredPartitionsCleanupAndRetention() throws Exception {
        Result r = apply();
        assertThat(r.code()).as("exit code; stderr: " + r.err()).isZero();
        assertThat(r.driftLines()).isEmpty();
        List<String> names = topics.all().stream().map(Topic::name).toList();
        assertThat(names).hasSize(16); // probe.rounds, drift, usage.results, compare.pairs and replay.spend included
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get(30, TimeUnit.SECONDS);
        for (Topic<String, ?> t : topics.all()) {
            int expectedPartitions = t.partitions() > 0 ? t.partitions() : PARTITIONS;
            assertThat(described.get(t.name()).partitions()).as(t.name() + " partitions").hasSize(expectedPartitions);
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
            assertThat(t.config()).as(t.name() + " declares a cleanup policy").containsKey("cleanup.policy");
            t.config().forEach((k, v) -> assertThat(c.get(k).value()).as(t.name() + " " + k).isEqualTo(v));
            if (!t.compacted()) {
                assertThat(c.get("retention.ms").value()).as(t.name() + " retention").isEqualTo("2592000000");
            }
            assertThat(r.out()).contains("ok " + t.name());
            // One broker: one replica, and a min ISR of 1 so the topic stays writable.
            assertThat(described.get(t.name()).partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
            assertThat(c.get("min.insync.replicas").value()).as(t.name() + " min.insync.replicas").isEqualTo("1");
        }
        assertThat(described.get(Topics.DEADLETTER).partitions()).hasSize(1);
        assertThat(c(configs, Topics.EVAL_TARGETS)).isEqualTo("compact");
        assertThat(c(configs, Topics.MODEL_REQUESTS)).isEqualTo("delete");
    }

    private static String c(Map<ConfigResource, Config> configs, String topic) {
        return configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get("cleanup.policy").value();
    }

    @Test
    @Order(2)
    void aSecondRunIsIdempotentAndReportsNoDrift() throws Exception {
        Set<String> before = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        Result r = apply();
        assertThat(r.code()).as("exit code; stderr: " + r.err()).isZero();
        assertThat(r.driftLines()).isEmpty();
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).isEqualTo(before);
        // The provisioner itself, called directly, agrees.
        List<String> drift = new TopicProvisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))
                .ensure(topics.all(), PARTITIONS, (short) 1);
        assertThat(drift).isEmpty();
    }

    @Test
    @Order(3)
    void topicsThatExistWithTheWrongCleanupPolicyOrTooFewPartitionsAreReportedAsDriftAndLeftAlone() throws Exception {
        admin.deleteTopics(List.of(Topics.EVAL_TARGETS, Topics.MODEL_REQUESTS)).all().get(30, TimeUnit.SECONDS);
        recreate(new NewTopic(Topics.EVAL_TARGETS, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "delete")));
        recreate(new NewTopic(Topics.MODEL_REQUESTS, 2, (short) 1)
                .configs(Map.of("cleanup.policy", "delete", "retention.ms", "2592000000")));

        Result r = apply();
        assertThat(r.code()).as("exit code 2 on drift; stderr: " + r.err()).isEqualTo(2);
        assertThat(r.driftLines()).containsExactlyInAnyOrder(
                "drift " + Topics.EVAL_TARGETS + ": cleanup.policy=delete, declared compact",
                "drift " + Topics.MODEL_REQUESTS + ": 2 partitions, declared " + PARTITIONS);
        // Reported, not changed: altering a live topic is the operator's decision.
        assertThat(admin.describeTopics(List.of(Topics.MODEL_REQUESTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(Topics.MODEL_REQUESTS).partitions()).hasSize(2);
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                new ConfigResource(ConfigResource.Type.TOPIC, Topics.EVAL_TARGETS))).all().get(30, TimeUnit.SECONDS);
        assertThat(c(configs, Topics.EVAL_TARGETS)).isEqualTo("delete");
    }

    @Test
    @Order(4)
    void aMinInsyncReplicasOtherThanTheClustersDefaultIsDriftReportedAndLeftAlone() throws Exception {
        admin.deleteTopics(List.of(Topics.ALERTS)).all().get(30, TimeUnit.SECONDS);
        recreate(new NewTopic(Topics.ALERTS, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "delete",
                "retention.ms", "2592000000", "min.insync.replicas", "2")));

        Result r = apply(); // no --replication-factor: the default for a one-broker cluster, 1 replica, min ISR 1
        assertThat(r.code()).as("exit code 2 on drift; stderr: " + r.err()).isEqualTo(2);
        assertThat(r.driftLines()).contains("drift " + Topics.ALERTS + ": min.insync.replicas=2, wanted 1")
                .noneMatch(l -> l.contains("replication factor"));
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS))).all().get(30, TimeUnit.SECONDS);
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS))
                .get("min.insync.replicas").value()).as("left alone").isEqualTo("2");

        Result tooMany = apply("--replication-factor", "3");
        assertThat(tooMany.code()).isNotZero();
        assertThat(tooMany.err()).contains("replication factor 3 but the cluster has only 1 broker");
    }

    /** Creates a topic just deleted; the broker may still be removing the old one for a moment. */
    private void recreate(NewTopic topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
