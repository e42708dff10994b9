package dev.sycostream.stages.fanout;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.FanoutProgressState;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.serde.WireFormat;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade of {@code prompts-fanout-progress-store}: an earlier version left "registeredAt|done|cursor" text in
 * its changelog, and a restore puts those bytes into the store as they are. The fan-out goes on from them, and
 * writes Avro from then on.
 */
class FanoutProgressUpgradeTest {
    private static final Duration SCAN = Duration.ofMillis(200);
    @TempDir
    Path stateDir;
    private TopologyHarness h;
    private TestInputTopic<String, DatasetItem> items;
    private TestOutputTopic<String, ModelRequest> requests;
    private List<DatasetItem> all;
    private List<String> keys;

    @BeforeEach
    void setUp() {
        var settings = new SycostreamTopology.Settings(Duration.ofMinutes(1), Duration.ofMinutes(1),
                new RequestFanoutStage.Settings(SCAN, 100), true);
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, settings), stateDir);
        items = h.input(h.topics.datasetsRaw());
        requests = h.output(h.topics.modelRequests());
        all = Fixtures.additionItems(8);
        keys = all.subList(0, 7).stream().map(DatasetItem::getItemId).sorted().toList(); // the stored ones
        all.subList(0, 7).forEach(i -> items.pipeInput(i.getItemId(), i));
        // registered at 10; no scan has run yet (the wall clock has not moved)
        h.input(h.topics.evalTargets()).pipeInput("base", Fixtures.target("base", true, 10L));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private byte[] legacy(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void scan(int times) {
        for (int i = 0; i < times; i++) {
            h.driver.advanceWallClockTime(SCAN);
        }
    }

    @Test
    void aScanHalfwayInLegacyTextGoesOnAfterItsCursorAndIsThenStoredAsAvro() {
        // the scan of registration 10 had sent the first three of the seven stored keys
        h.restoreRaw(RequestFanoutStage.PROGRESS_STORE, "base", legacy("10|false|" + keys.get(2)));

        scan(3);

        List<ModelRequest> out = requests.readValuesToList();
        assertThat(out).hasSize(4 * 2);
        assertThat(out.stream().map(ModelRequest::getItemId).distinct()).containsExactlyInAnyOrderElementsOf(keys.subList(3, 7));
        byte[] raw = h.rawValue(RequestFanoutStage.PROGRESS_STORE, "base");
        assertThat(raw[0]).as("rewritten in the Avro wire format").isEqualTo(WireFormat.MAGIC_BYTE);
        KeyValueStore<String, FanoutProgressState> progress = h.driver.getKeyValueStore(RequestFanoutStage.PROGRESS_STORE);
        assertThat(progress.get("base")).isEqualTo(new FanoutProgressState(10L, true, keys.get(6)));

        // and the finished scan is one: an item arriving now is sent at once, once
        DatasetItem late = all.get(7);
        items.pipeInput(late.getItemId(), late);
        scan(2);
        assertThat(requests.readValuesToList()).hasSize(2).allMatch(r -> r.getItemId().equals(late.getItemId()));
    }

    @Test
    void aFinishedLegacyScanSendsNothingAgainAndALegacyScanOfAnEarlierRegistrationStartsOver() {
        h.restoreRaw(RequestFanoutStage.PROGRESS_STORE, "base", legacy("10|true|" + keys.get(keys.size() - 1)));
        scan(3);
        assertThat(requests.isEmpty()).as("registration 10 was already sent everything").isTrue();

        h.restoreRaw(RequestFanoutStage.PROGRESS_STORE, "base", legacy("9|true|" + keys.get(keys.size() - 1)));
        scan(3);
        assertThat(requests.readValuesToList()).hasSize(7 * 2);
    }
}
