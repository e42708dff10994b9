package dev.sycostream.architecture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the layout honest, from the production sources themselves (an import graph of our own; the build reads
 * every {@code src/MODULE/main/java} file): no package cycles, no production file over 450 lines, each module
 * referring only to the modules below it, and no Kafka in {@code core}. The test runs from the repository root
 * (surefire's working directory).
 */
class ArchitectureTest {
    /** Each module and the modules its main code may use (besides itself), as the poms declare them. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "core", Set.of(),
            "kafka", Set.of("core"),
            "worker", Set.of("core", "kafka"),
            "pipeline", Set.of("core", "kafka"),
            "cli", Set.of("core", "kafka", "worker", "pipeline"),
            "local", Set.of("core", "kafka", "worker", "pipeline", "cli"));
    private static final int MAX_LINES = 450;
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    /** Imports and fully qualified uses of our own classes: the package is what precedes the capitalised name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.sycostream(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    private static final Map<String, String> moduleOfPackage = new TreeMap<>();
    private static final Map<String, Set<String>> packageDeps = new TreeMap<>();
    private static final Map<Path, Long> lineCounts = new HashMap<>();
    private static final Map<String, List<String>> kafkaImportsByModule = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("src"))) {
            files = s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().replace('\\', '/').matches("src/[^/]+/main/java/.*"))
                    .toList();
        }
        assertThat(files).as("production sources under src/*/main/java").hasSizeGreaterThan(100);
        for (Path f : files) {
            String module = f.getName(1).toString();
            String src = Files.readString(f);
            Matcher pm = PACKAGE.matcher(src);
            assertThat(pm.find()).as("package declaration of " + f).isTrue();
            String pkg = pm.group(1);
            String earlier = moduleOfPackage.putIfAbsent(pkg, module);
            assertThat(earlier == null || earlier.equals(module))
                    .as("package " + pkg + " is split between modules " + earlier + " and " + module).isTrue();
            Set<String> deps = packageDeps.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher rm = REFERENCE.matcher(src);
            while (rm.find()) {
                if (!rm.group(1).equals(pkg)) {
                    deps.add(rm.group(1));
                }
            }
            if (src.contains("import org.apache.kafka")) {
                kafkaImportsByModule.computeIfAbsent(module, k -> new ArrayList<>()).add(f.toString());
            }
            lineCounts.put(f, src.lines().count());
        }
    }

    @Test
    void noPackageCycles() {
        List<List<String>> cycles = new Tarjan(packageDeps).cycles();
        assertThat(cycles).as("package cycles (each list is one strongly connected set)").isEmpty();
    }

    @Test
    void modulesUseOnlyTheModulesBelowThem() {
        List<String> violations = new ArrayList<>();
        packageDeps.forEach((pkg, deps) -> {
            String module = moduleOfPackage.get(pkg);
            for (String dep : deps) {
                String depModule = moduleOfPackage.get(dep);
                if (depModule == null) {
                    continue; // generated Avro classes (dev.sycostream.avro, core) have no source file here
                }
                if (!depModule.equals(module) && !ALLOWED.get(module).contains(depModule)) {
                    violations.add(pkg + " (" + module + ") -> " + dep + " (" + depModule + ")");
                }
            }
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void coreHasNoKafka() {
        assertThat(kafkaImportsByModule.getOrDefault("core", List.of())).isEmpty();
    }

    @Test
    void noProductionFileOverTheLimit() {
        List<String> big = lineCounts.entrySet().stream().filter(e -> e.getValue() > MAX_LINES)
                .map(e -> e.getKey() + " (" + e.getValue() + " lines)").sorted().toList();
        assertThat(big).as("production files over " + MAX_LINES + " lines").isEmpty();
    }

    @Test
    void theCycleFinderFindsACycle() {
        // The check above is only worth something if the finder sees a cycle where there is one.
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(new Tarjan(g).cycles()).containsExactly(List.of("a", "b", "c"));
    }

    /** Tarjan's strongly connected components; a component of more than one package is a cycle. */
    private static final class Tarjan {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<List<String>> cycles = new ArrayList<>();
        private int next;

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        List<List<String>> cycles() {
            new TreeSet<>(graph.keySet()).forEach(v -> {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            });
            return cycles;
        }

        private void visit(String v) {
            index.put(v, next);
            low.put(v, next++);
            stack.push(v);
            onStack.add(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                TreeSet<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    cycles.add(List.copyOf(component));
                }
            }
        }
    }
}
