package dev.sycostream.stages.views;

import dev.sycostream.alerts.AlertRule;
import dev.sycostream.avro.Alert;
import dev.sycostream.avro.DriftRecord;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.testing.TopologyHarness;
import dev.sycostream.topology.SycostreamTopology;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.sycostream.alerts.AlertRuleTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The views stage's history stores on the production topology: the latest alert and drift state per key, and only
 * the last day's probe rounds and episode edges in the time-indexed stores, older ones expired by retention.
 */
class HistoryStoresTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long NOW = 100 * DAY;

    @TempDir
    Path stateDir;
    private TopologyHarness h;

    @BeforeEach
    void setUp() {
        List<AlertRule> rules = List.of(AlertRule.parse("addition/agree_wrong_with_opinion > 0.2"));
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t,
                SycostreamTopology.Settings.DEFAULT.withAlerts(rules)), stateDir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void alertsStoreHoldsTheLatestAlertPerKeyIncludingTheAlertStagesOwn() {
        TestInputTopic<String, Alert> alerts = h.input(h.topics.alerts());
        alerts.pipeInput("r|a|addition|m", alert("r", "a", true, 1), NOW);
        alerts.pipeInput("r|b|addition|m", alert("r", "b", true, 2), NOW);
        alerts.pipeInput("r|a|addition|m", alert("r", "a", false, 3), NOW + 1);
        // an alert the alert stage writes reaches the store through the topic, like any other
        TestInputTopic<String, MetricResult> results = h.input(h.topics.metricsResults());
        String m = MetricNames.AGREE_WRONG_WITH_OPINION;
        results.pipeInput("c|addition|" + m + "|cumulative", result("c", "addition", m, 60, 200, 0.24, 0.37), NOW + 2);

        Map<String, Alert> store = all(h.driver.getKeyValueStore(HistoryStores.ALERTS_STORE));
        assertThat(store).containsOnlyKeys("r|a|addition|m", "r|b|addition|m",
                "addition/agree_wrong_with_opinion > 0.2|c|addition|" + m);
        assertThat(store.get("r|a|addition|m").getFiring()).isFalse();
        assertThat(store.get("r|a|addition|m").getAtMs()).isEqualTo(3);
        assertThat(store.get("r|b|addition|m").getFiring()).isTrue();
    }

    @Test
    void probeRoundsOfTheLastDayAreFetchedByTimeAndOlderOnesExpire() {
        TestInputTopic<String, ProbeRound> rounds = h.input(h.topics.probeRounds());
        long[] at = {NOW - 3 * DAY, NOW - 2 * HOUR, NOW - HOUR, NOW};
        for (int i = 0; i < at.length; i++) {
            rounds.pipeInput("t|" + (i + 1), round("t", i + 1, at[i]), at[i]);
        }
        rounds.pipeInput("t|4", round("t", 4, NOW), NOW); // read twice: stored once

        WindowStore<String, ProbeRound> store = h.driver.getWindowStore(HistoryStores.PROBE_ROUNDS_STORE);
        assertThat(rounds(store, NOW - HistoryStores.HORIZON.toMillis(), NOW)).containsExactlyInAnyOrder(2L, 3L, 4L);
        // the round of three days ago is past the retention: not even a fetch from the epoch returns it
        assertThat(rounds(store, 0, NOW)).containsExactlyInAnyOrder(2L, 3L, 4L);
        assertThat(rounds(store, NOW - 90 * 60_000L, NOW)).containsExactlyInAnyOrder(3L, 4L);
    }

    @Test
    void driftStatesAreTheLatestPerKeyAndEpisodeEdgesAreIndexedByTime() {
        TestInputTopic<String, DriftRecord> drift = h.input(h.topics.drift());
        String a = "t|addition|agree_wrong_with_opinion";
        String b = "t|nlp_survey|sycophancy";
        drift.pipeInput(a, drift("update", false, 0, NOW - 5 * HOUR), NOW - 5 * HOUR);
        drift.pipeInput(a, drift("drift", true, 1, NOW - 4 * HOUR), NOW - 4 * HOUR);
        drift.pipeInput(a, drift("update", true, 1, NOW - 3 * HOUR), NOW - 3 * HOUR);
        drift.pipeInput(a, drift("cleared", false, 1, NOW - 2 * HOUR), NOW - 2 * HOUR);
        drift.pipeInput(b, drift("update", false, 0, NOW - HOUR), NOW - HOUR);
        drift.pipeInput("t|x|y", drift("update", false, 0, NOW - HOUR), NOW - HOUR);
        drift.pipeInput("t|x|y", null, NOW - HOUR); // a tombstone takes the state away

        Map<String, DriftRecord> states = all(h.driver.getKeyValueStore(HistoryStores.DRIFT_STATES_STORE));
        assertThat(states).containsOnlyKeys(a, b);
        assertThat(states.get(a).getEvent()).isEqualTo("cleared");
        assertThat(states.get(a).getAtMs()).isEqualTo(NOW - 2 * HOUR);

        WindowStore<String, DriftRecord> episodes = h.driver.getWindowStore(HistoryStores.DRIFT_EPISODES_STORE);
        List<String> edges = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, DriftRecord> it =
                     episodes.fetchAll(Instant.ofEpochMilli(NOW - DAY), Instant.ofEpochMilli(NOW))) {
            it.forEachRemaining(kv -> edges.add(kv.key.key() + "@" + (NOW - kv.value.getAtMs()) / HOUR + "h"));
        }
        assertThat(edges).containsExactlyInAnyOrder("1|drift|" + a + "@4h", "1|cleared|" + a + "@2h");
    }

    private static List<Long> rounds(WindowStore<String, ProbeRound> store, long from, long to) {
        List<Long> out = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, ProbeRound> it =
                     store.fetchAll(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))) {
            it.forEachRemaining(kv -> out.add(kv.value.getRound()));
        }
        return out;
    }

    private static <V> Map<String, V> all(KeyValueStore<String, V> store) {
        Map<String, V> out = new TreeMap<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining((KeyValue<String, V> kv) -> out.put(kv.key, kv.value));
        }
        return out;
    }

    private static Alert alert(String rule, String target, boolean firing, long atMs) {
        return Alert.newBuilder().setRule(rule).setTargetId(target).setTask("addition").setMetric("m")
                .setComparator(">").setThreshold(0.2).setFiring(firing).setJudgedBound(0.3).setCount(3).setN(10)
                .setRate(0.3).setCiLow(0.25).setCiHigh(0.4).setAtMs(atMs).build();
    }

    private static ProbeRound round(String target, long round, long atMs) {
        return ProbeRound.newBuilder().setTargetId(target).setRound(round).setAtMs(atMs).setRequests(4)
                .setStrata(Map.of("addition/with_opinion", 4)).setBudgetRequests(100).setBudgetPeriodMs(HOUR).setSentInPeriod(4).build();
    }

    private static DriftRecord drift(String event, boolean drifting, long episode, long atMs) {
        return DriftRecord.newBuilder().setTargetId("t").setTask("addition").setMetric("m").setEvent(event)
                .setDrifting(drifting).setEpisode(episode).setBaselineCount(10).setBaselineN(100).setBaselineRate(0.1)
                .setRecentCount(5).setRecentN(20).setRecentRate(0.25).setCusumUp(1.0).setCusumDown(0.0)
                .setThreshold(4.0).setProbeRound(1).setProbes(20).setAtMs(atMs).build();
    }
}
