package dev.sycostream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the guarantees need from deploy/k8s, checked on the parsed manifests: workers are a StatefulSet whose worker
 * id is the pod name (a replacement reuses the transactional id and fences its predecessor); the pipeline is a
 * StatefulSet whose state dir is a persistent volume; both probe the health paths over HTTP on the port the command
 * line serves them on; both have a PodDisruptionBudget selecting their pods, and resource requests and limits.
 */
class K8sGuaranteesTest {
    private static final Path K8S = Path.of("deploy/k8s");

    static JsonNode ofKind(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("one " + kind).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> docs(String file) throws IOException {
        return DeployManifestsTest.yamlDocuments(K8S.resolve(file));
    }

    private static JsonNode container(JsonNode statefulSet) {
        return statefulSet.path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static List<String> args(JsonNode container) {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    private static String argAfter(List<String> args, String option) {
        int i = args.indexOf(option);
        assertThat(i).as(option + " in " + args).isNotNegative();
        return args.get(i + 1);
    }

    /** The container port number a probe's named port refers to. */
    private static int port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    private static void probesUseTheHealthPaths(JsonNode container, int servedOn) {
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.isObject()).as(probe + " is an HTTP probe, not a TCP check").isTrue();
            assertThat(get.path("path").asText()).as(probe).isEqualTo(probe.equals("readinessProbe")
                    ? "/health/ready" : "/health/live");
            assertThat(port(container, get.path("port").asText())).as(probe + " port").isEqualTo(servedOn);
        }
    }

    private static void hasResourcesAndABudget(List<JsonNode> docs, JsonNode statefulSet) {
        JsonNode resources = container(statefulSet).path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotEmpty();
        assertThat(resources.path("requests").path("memory").asText()).isNotEmpty();
        assertThat(resources.path("limits").path("memory").asText()).isNotEmpty();
        JsonNode pdb = ofKind(docs, "PodDisruptionBudget");
        assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(pdb.path("spec").path("selector")).isEqualTo(statefulSet.path("spec").path("selector"));
        assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        JsonNode service = ofKind(docs, "Service");
        assertThat(statefulSet.path("spec").path("serviceName").asText()).isEqualTo(service.path("metadata").path("name").asText());
        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
    }

    /** The {@code --state-dir} is a mounted volume claim: a restarted pod finds its state and reads only the tail. */
    private static void stateDirIsOnAPersistentVolume(JsonNode statefulSet, JsonNode c, List<String> args) {
        String stateDir = argAfter(args, "--state-dir");
        String volume = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(stateDir)) {
                volume = m.path("name").asText();
            }
        }
        assertThat(volume).as("a volume mounted at the state dir " + stateDir).isNotNull();
        List<String> claims = new ArrayList<>();
        statefulSet.path("spec").path("volumeClaimTemplates").forEach(t -> claims.add(t.path("metadata").path("name").asText()));
        assertThat(claims).as("the state volume is a persistent volume claim, not an emptyDir").contains(volume);
        for (JsonNode v : statefulSet.path("spec").path("template").path("spec").path("volumes")) {
            assertThat(v.path("name").asText()).as("no pod volume shadows the claim").isNotEqualTo(volume);
        }
    }

    @Test
    void workersAreAStatefulSetWhoseWorkerIdIsThePodNameAndProbeTheirHealthPaths() throws IOException {
        List<JsonNode> docs = docs("worker.yaml");
        JsonNode workers = ofKind(docs, "StatefulSet");
        JsonNode c = container(workers);
        List<String> args = args(c);
        assertThat(args.get(0)).isEqualTo("worker");
        assertThat(argAfter(args, "--worker-id")).isEqualTo("$(POD_NAME)");
        JsonNode podName = null;
        for (JsonNode e : c.path("env")) {
            if (e.path("name").asText().equals("POD_NAME")) {
                podName = e;
            }
        }
        assertThat(podName).as("POD_NAME env").isNotNull();
        assertThat(podName.path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        stateDirIsOnAPersistentVolume(workers, c, args);
        probesUseTheHealthPaths(c, Integer.parseInt(argAfter(args, "--http-port")));
        hasResourcesAndABudget(docs, workers);
    }

    @Test
    void thePipelineIsAStatefulSetWithItsStateDirOnAPersistentVolumeAndProbesItsReadiness() throws IOException {
        List<JsonNode> docs = docs("pipeline.yaml");
        JsonNode pipeline = ofKind(docs, "StatefulSet");
        JsonNode c = container(pipeline);
        List<String> args = args(c);
        assertThat(args.get(0)).isEqualTo("pipeline");
        stateDirIsOnAPersistentVolume(pipeline, c, args);
        assertThat(argAfter(args, "--http-host")).as("probes come from the kubelet, not loopback").isEqualTo("0.0.0.0");
        assertThat(c.path("env").toString()).as("a non-loopback dashboard needs its token")
                .contains("SYCOSTREAM_HTTP_TOKEN");
        probesUseTheHealthPaths(c, Integer.parseInt(argAfter(args, "--http-port")));
        hasResourcesAndABudget(docs, pipeline);
    }
}
