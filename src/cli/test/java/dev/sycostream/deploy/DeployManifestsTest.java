package dev.sycostream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sycostream.cli.Main;
import dev.sycostream.topics.StrimziTopics;
import dev.sycostream.topics.Topic;
import dev.sycostream.topics.Topics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy/ files: every YAML and JSON file parses; the Kubernetes and Compose files have the expected shape;
 * and deploy/k8s/topics.yaml is exactly what {@code sycostream topics manifest --format strimzi} prints from the
 * topic declarations (regenerate it with that command when Topics changes).
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile());
             var it = YAML.readValues(parser, JsonNode.class)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static List<Path> files(String... extensions) throws IOException {
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(extensions).anyMatch(e -> p.getFileName().toString().endsWith(e)))
                    .sorted().toList();
        }
    }

    @Test
    void everyYamlAndJsonFileUnderDeployParses() throws IOException {
        List<Path> yaml = files(".yaml", ".yml");
        List<Path> json = files(".json");
        assertThat(yaml).as("YAML files under deploy/").hasSizeGreaterThanOrEqualTo(10);
        assertThat(json).as("JSON files under deploy/").isNotEmpty();
        for (Path p : yaml) {
            assertThat(yamlDocuments(p)).as(p + " has at least one document").isNotEmpty()
                    .allSatisfy(d -> assertThat(d.isObject()).as(p + " documents are mappings").isTrue());
        }
        for (Path p : json) {
            assertThat(JSON.readTree(p.toFile()).isObject()).as(p + " is a JSON object").isTrue();
        }
    }

    @Test
    void kubernetesManifestsHaveKindsAndWireTheConfigMapAndSecret() throws IOException {
        Set<String> kinds = new HashSet<>();
        for (Path p : files(".yaml")) {
            if (!p.startsWith(DEPLOY.resolve("k8s")) || p.endsWith("kustomization.yaml")) {
                continue;
            }
            for (JsonNode d : yamlDocuments(p)) {
                assertThat(d.path("apiVersion").asText()).as(p + " apiVersion").isNotEmpty();
                assertThat(d.path("metadata").path("name").asText()).as(p + " metadata.name").isNotEmpty();
                kinds.add(d.path("kind").asText());
            }
        }
        assertThat(kinds).contains("StatefulSet", "PodDisruptionBudget", "Service", "ConfigMap", "Secret", "KafkaTopic");

        JsonNode kustomization = yamlDocuments(DEPLOY.resolve("k8s/kustomization.yaml")).get(0);
        for (JsonNode r : kustomization.path("resources")) {
            assertThat(DEPLOY.resolve("k8s").resolve(r.asText())).as("kustomization resource " + r).exists();
        }
        String configMap = yamlDocuments(DEPLOY.resolve("k8s/configmap.yaml")).get(0).path("metadata").path("name").asText();
        JsonNode secret = yamlDocuments(DEPLOY.resolve("k8s/secret.yaml")).get(0);
        assertThat(secret.path("stringData").has("client.properties")).isTrue();

        for (String name : List.of("pipeline", "worker")) {
            JsonNode d = K8sGuaranteesTest.ofKind(yamlDocuments(DEPLOY.resolve("k8s/" + name + ".yaml")), "StatefulSet");
            JsonNode spec = d.path("spec");
            String selected = spec.path("selector").path("matchLabels").path("app.kubernetes.io/name").asText();
            assertThat(selected).isEqualTo("sycostream-" + name);
            assertThat(spec.path("template").path("metadata").path("labels").path("app.kubernetes.io/name").asText())
                    .as(name + " pods carry the selected label").isEqualTo(selected);
            JsonNode c = spec.path("template").path("spec").path("containers").get(0);
            assertThat(c.path("args").get(0).asText()).isEqualTo(name);
            assertThat(c.path("args").toString()).contains("--kafka-config", "/etc/sycostream/client.properties");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertThat(c.has(probe)).as(name + " " + probe).isTrue();
            }
            assertThat(c.path("envFrom").get(0).path("configMapRef").path("name").asText()).isEqualTo(configMap);
            JsonNode volumes = spec.path("template").path("spec").path("volumes");
            assertThat(volumes.toString()).contains("\"secretName\":\"" + secret.path("metadata").path("name").asText() + "\"");
        }
        assertThat(K8sGuaranteesTest.ofKind(yamlDocuments(DEPLOY.resolve("k8s/pipeline.yaml")), "StatefulSet")
                .path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void composeStackHasKafkaRegistryTwoPipelinesWorkerMonitoringAndAModelProfile() throws IOException {
        JsonNode services = yamlDocuments(DEPLOY.resolve("compose/compose.yaml")).get(0).path("services");
        for (int node = 1; node <= 3; node++) {
            JsonNode kafka = services.path("kafka-" + node);
            assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
            JsonNode env = kafka.path("environment");
            assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
            assertThat(env.path("KAFKA_NODE_ID").asInt()).isEqualTo(node);
            assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(env.path("KAFKA_MIN_INSYNC_REPLICAS").asInt()).isEqualTo(2);
            assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asInt()).isEqualTo(3);
            assertThat(env.path("CLUSTER_ID").asText()).isEqualTo(services.path("kafka-1").path("environment").path("CLUSTER_ID").asText());
        }
        assertThat(services.path("schema-registry").path("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.path("pipeline").path("deploy").path("replicas").asInt()).isEqualTo(2);
        for (String app : List.of("topics", "pipeline", "worker")) {
            assertThat(services.path(app).path("build").path("dockerfile").asText()).as(app).isEqualTo("deploy/Dockerfile");
            assertThat(services.path(app).path("environment").path("SYCOSTREAM_BOOTSTRAP_SERVERS").asText())
                    .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
        }
        assertThat(services.path("pipeline").path("command").get(0).asText()).isEqualTo("pipeline");
        assertThat(services.path("worker").path("command").get(0).asText()).isEqualTo("worker");
        assertThat(services.path("prometheus").isObject()).isTrue();
        assertThat(services.path("grafana").path("volumes").toString()).contains("./grafana/provisioning", "./grafana/dashboards");
        assertThat(services.path("model").path("profiles").get(0).asText()).isEqualTo("model");
        for (JsonNode service : services) {
            for (JsonNode v : service.path("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(DEPLOY.resolve("compose").resolve(source)).as("mounted " + source).exists();
                }
            }
        }
        JsonNode datasource = yamlDocuments(DEPLOY.resolve("compose/grafana/provisioning/datasources/prometheus.yaml"))
                .get(0).path("datasources").get(0);
        JsonNode dashboard = JSON.readTree(DEPLOY.resolve("compose/grafana/dashboards/sycostream.json").toFile());
        assertThat(dashboard.path("panels").size()).isPositive();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo(datasource.path("uid").asText());
            assertThat(panel.path("targets").get(0).path("expr").asText()).isNotBlank();
        }
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsOnATemurin17JreWithTheAvroTrustedPackages() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build", "FROM eclipse-temurin:17-jre",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=", "dev.sycostream.avro,java.lang,java.util,org.apache.avro.util",
                "-jar /opt/sycostream/sycostream.jar");
        for (String copied : List.of("deploy/jmx/jmx-exporter.yaml")) {
            assertThat(Path.of(copied)).exists();
        }
    }

    @Test
    void theCheckedInTopicResourcesEqualTheGeneratorsOutputAndTheDeclarations() throws IOException {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            code = Main.execute("topics", "manifest", "--format", "strimzi");
        } finally {
            System.setOut(out);
        }
        assertThat(code).isZero();
        String generated = o.toString(StandardCharsets.UTF_8);
        assertThat(Files.readString(DEPLOY.resolve("k8s/topics.yaml")))
                .as("deploy/k8s/topics.yaml is stale: regenerate with `bin/sycostream topics manifest --format strimzi "
                        + "> deploy/k8s/topics.yaml`")
                .isEqualTo(generated);

        Topics topics = new Topics(Map.of("schema.registry.url", "http://unused.invalid"));
        List<JsonNode> docs = yamlDocuments(DEPLOY.resolve("k8s/topics.yaml"));
        assertThat(docs).hasSize(topics.all().size());
        for (int i = 0; i < docs.size(); i++) {
            Topic<String, ?> t = topics.all().get(i);
            JsonNode d = docs.get(i);
            assertThat(d.path("apiVersion").asText()).isEqualTo(StrimziTopics.API_VERSION);
            assertThat(d.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(d.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo("sycostream");
            assertThat(d.path("spec").path("topicName").asText()).isEqualTo(t.name());
            assertThat(d.path("spec").path("partitions").asInt()).isEqualTo(t.partitions() > 0 ? t.partitions() : 6);
            assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(3);
            Map<String, String> config = YAML.convertValue(d.path("spec").path("config"),
                    YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            Map<String, String> declared = new java.util.HashMap<>(t.config());
            declared.putIfAbsent("min.insync.replicas", "2"); // 3 replicas: a write survives one broker lost
            assertThat(config).as(t.name() + " config").isEqualTo(declared);
        }
    }

    @Test
    void anUnknownManifestFormatIsRefusedClearly() {
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.execute("topics", "manifest", "--format", "helm");
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(1);
        assertThat(e.toString(StandardCharsets.UTF_8)).contains("unknown manifest format 'helm'; supported: strimzi");
    }
}
