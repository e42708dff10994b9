package dev.sycostream.web;

import dev.sycostream.app.PipelineApp;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.topics.Topics;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The dashboard of a running {@link PipelineApp}, in its process: REST and the page over the app's state stores,
 * live events and worker latencies from a {@link LiveFeed}, and Prometheus metrics including Kafka Streams' own.
 */
public final class WebDashboard implements AutoCloseable {
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final SseHub hub = new SseHub();
    private final LiveFeed feed;
    private final DashboardServer server;
    private final ComparisonView comparisons;

    private WebDashboard(PipelineApp app, SycostreamConfig config, WebOptions options) {
        // with application.server set, the other instances are asked for the partitions this one does not own
        Peers peers = config.applicationServer() == null ? null
                : new Peers(HostInfo.buildFromEndpoint(config.applicationServer()), options.token());
        StoreReader stores = new StoreReader(app::streams, peers);
        StreamsDashboardData data = new StreamsDashboardData(stores);
        feed = new LiveFeed(config.clientConfig(), new Topics(config.serdeConfig()), hub, metrics);
        comparisons = new ComparisonView(stores, config.clientConfig(), new Topics(config.serdeConfig()));
        try {
            HistoryViews insights =
                    new HistoryViews(stores, comparisons);
            server = new DashboardServer(options, new Api(data), insights, metrics, hub, () -> {
                metrics.bindStreams(app.streams());
                metrics.update(data.results());
                metrics.updateUsage(data.usage());
                metrics.updateTargets(data.targets());
            }, new StreamsHealth(app::streams, app::failure));
        } catch (RuntimeException e) {
            feed.close();
            comparisons.close();
            throw e;
        }
        metrics.bindStreams(app.streams());
    }

    /** Starts serving for an app that has been started (its topics exist). */
    public static WebDashboard start(PipelineApp app, SycostreamConfig config, WebOptions options) {
        WebDashboard d = new WebDashboard(app, config, options);
        d.feed.start();
        d.server.start();
        return d;
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    public SseHub events() {
        return hub;
    }

    @Override
    public void close() {
        server.close();
        feed.close();
        comparisons.close();
        metrics.close();
    }
}
