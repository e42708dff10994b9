package dev.sycostream.config;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka Streams settings the pipeline runs with by default, and that a config file still overrides them. */
class SycostreamConfigStreamsTest {
    private static SycostreamConfig config(Map<String, String> kafka, String guarantee) {
        return new SycostreamConfig("b:9092", "http://r:8081", kafka, "app", 3, (short) 1, null, guarantee);
    }

    @Test
    void commitsEvery100MsAndPollsAtMost50MsUnderEitherGuarantee() {
        for (String g : new String[]{StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE}) {
            var p = config(Map.of(), g).streamsConfig();
            assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).as(g).isEqualTo(100);
            assertThat(p.get(StreamsConfig.POLL_MS_CONFIG)).as(g).isEqualTo(50);
            assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(g);
        }
    }

    @Test
    void aConfigFileOverridesTheLatencySettings() {
        var p = config(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000", StreamsConfig.POLL_MS_CONFIG, "100"),
                StreamsConfig.EXACTLY_ONCE_V2).streamsConfig();
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("1000");
        assertThat(p.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("100");
    }
}
