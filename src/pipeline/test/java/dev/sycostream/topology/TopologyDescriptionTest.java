package dev.sycostream.topology;

import dev.sycostream.topics.Topic;
import dev.sycostream.topics.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps topology/ honest: the checked-in describe() equals the production topology, nothing has a generated
 * name (a generated name changes when the topology changes and orphans its state), and topics.md lists
 * every declared topic. Regenerate with {@code mvn test -Dtest=TopologyDescriptionTest -Dsycostream.updateTopology=true}.
 */
class TopologyDescriptionTest {
    private static final Path CHECKED_IN = Path.of("topology/topology.txt");

    private static String describe() {
        Topics topics = new Topics(Map.of("schema.registry.url", "mock://describe-test"));
        return SycostreamTopology.buildTopology(topics, SycostreamTopology.Settings.DEFAULT).describe().toString();
    }

    @Test
    void checkedInDescriptionMatchesTheProductionTopology() throws IOException {
        String actual = describe();
        if (Boolean.getBoolean("sycostream.updateTopology")) {
            Files.writeString(CHECKED_IN, actual);
        }
        assertThat(Files.readString(CHECKED_IN))
                .as("topology/topology.txt is stale; regenerate with -Dsycostream.updateTopology=true")
                .isEqualTo(actual);
    }

    @Test
    void everyProcessorStoreAndInternalTopicIsNamed() {
        String d = describe();
        Matcher generated = Pattern.compile("(KSTREAM|KTABLE|KSTREAM-SOURCE|KSTREAM-SINK)-[A-Z-]*\\d{10}").matcher(d);
        assertThat(generated.find()).as("generated name in topology: " + (generated.find(0) ? generated.group() : "")).isFalse();
        assertThat(d).contains("metrics-by-key-repartition");
    }

    @Test
    void topicsDocumentListsEveryDeclaredTopic() throws IOException {
        String doc = Files.readString(Path.of("topology/topics.md"));
        for (Topic<String, ?> t : new Topics(Map.of("schema.registry.url", "mock://x")).all()) {
            assertThat(doc).as("topology/topics.md documents " + t.name()).contains("`" + t.name() + "`");
        }
    }
}
