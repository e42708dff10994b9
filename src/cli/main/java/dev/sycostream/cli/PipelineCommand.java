package dev.sycostream.cli;

import dev.sycostream.app.PipelineApp;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.web.WebDashboard;
import dev.sycostream.web.WebOptions;
import dev.sycostream.drift.DriftSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.sycostream.alerts.AlertRule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "pipeline", description = "Runs the Kafka Streams pipeline (fan-out, scoring, metrics) until stopped.")
final class PipelineCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--no-training-filter",
            description = "Write every synthetic candidate as training data, not only those the target answers correctly without an opinion (the paper's ablation).")
    boolean noTrainingFilter;

    @Option(names = "--alert", paramLabel = "RULE",
            description = "Alert rule (repeatable): '[TARGET:]TASK/METRIC > X' or '< X', judged on the 95%% interval bound, "
                    + "e.g. 'addition/agree_wrong_with_opinion > 0.2'; alerts go to sycostream.alerts.")
    List<String> alerts = new ArrayList<>();

    @Option(names = "--drift-delta", defaultValue = "0.1", paramLabel = "D",
            description = "Drift test: the change of a probed rate worth an alert, absolute (default ${DEFAULT-VALUE}).")
    double driftDelta;

    @Option(names = "--drift-arl", defaultValue = "1e6", paramLabel = "N",
            description = "Drift test: at least N probe observations of a metric between false alarms (default ${DEFAULT-VALUE}; threshold ln(2N)).")
    double driftArl;

    @Option(names = "--http-host", defaultValue = WebOptions.DEFAULT_HOST,
            description = "Interface the dashboard, REST and /metrics listen on (default ${DEFAULT-VALUE}); a non-loopback one needs --http-token.")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8080", description = "Dashboard port (default ${DEFAULT-VALUE}; 0 = random).")
    int httpPort;

    @Option(names = "--http-advertise", paramLabel = "HOST",
            description = "Host name the other pipeline instances reach this one's dashboard at (Kafka Streams' application.server, "
                    + "with the dashboard port), so each instance's dashboard and APIs answer for every partition; "
                    + "default the --http-host, or this machine's name when that is a wildcard address.")
    String httpAdvertise;

    @Option(names = "--http-token", defaultValue = "${env:SYCOSTREAM_HTTP_TOKEN}", paramLabel = "TOKEN",
            description = "Token every HTTP request must carry (Authorization: Bearer TOKEN or ?token=TOKEN); default from SYCOSTREAM_HTTP_TOKEN.")
    String httpToken;

    @Override
    public Integer call() throws Exception {
        List<AlertRule> rules = alerts.stream().map(AlertRule::parse).toList(); // bad rules fail before connecting
        WebOptions web = new WebOptions(httpHost, httpPort, httpToken, false); // invalid options fail before Kafka
        // the port must be known before Kafka Streams starts (it is advertised to the other instances)
        web = new WebOptions(web.host(), web.port() == 0 ? AdvertisedAddress.freePort(web.host()) : web.port(),
                web.token(), false);
        DriftSettings drift = new DriftSettings(driftDelta, driftArl, DriftSettings.DEFAULT.minBaseline());
        SycostreamConfig config = connection.connect().withRegistryOutageTolerance(ConnectionOptions.SERVICE_REGISTRY_RETRY)
                .withApplicationServer(AdvertisedAddress.of(httpAdvertise, web.host(), web.port()));
        PipelineApp app = new PipelineApp(config,
                SycostreamTopology.Settings.DEFAULT.withTrainingFilter(!noTrainingFilter).withAlerts(rules)
                        .withDrift(drift)).start();
        WebDashboard dashboard;
        try {
            dashboard = WebDashboard.start(app, config, web);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            app.close();
            closed.countDown();
        }, "sycostream-pipeline-shutdown"));
        System.err.println("dashboard=" + dashboard.url());
        System.err.println("pipeline started; Ctrl-C stops it");
        app.awaitStopped(Duration.ofDays(36500));
        if (app.failure() != null) {
            throw new IllegalStateException("pipeline failed: " + app.failure().getMessage(), app.failure());
        }
        closed.await();
        return 0;
    }
}
