package dev.sycostream.web;

import dev.sycostream.topics.Topics;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Request validation of the comparison endpoint (the data path is covered by DashboardBrowserIT). */
class HistoryViewsTest {
    private final HistoryViews insights = new HistoryViews(new StoreReader(() -> null),
            new ComparisonView(new StoreReader(() -> null), Map.of("bootstrap.servers", "unused:9092"),
                    new Topics(Map.of("schema.registry.url", "mock://insights-test"))));

    @Test
    void bothTargetsAreRequired() {
        Api.Response r = insights.compare(Map.of("base", "a"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("give both targets");
    }

    @Test
    void alphaMustBeANumber() {
        Api.Response r = insights.compare(Map.of("base", "a", "candidate", "b", "alpha", "five"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("alpha must be a number");
    }
}
