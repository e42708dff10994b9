package dev.sycostream.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.EndpointNotFound;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;

/**
 * The dashboard's HTTP server (Javalin on Jetty):
 * <pre>
 * GET /                 the live page (static/index.html, app.js, app.css; views.js, views-lib.js, views.css)
 * GET /webjars/uplot/…  the uPlot chart library, from its WebJar on the class path
 * GET /api/targets      registered targets
 * GET /api/metrics      latest results (?target=&amp;task=&amp;metric=&amp;window=cumulative|PT1M|all)
 * GET /api/progress     answers counted vs expected per target
 * GET /api/datasets     per task, the dataset files (SHA-256) and generators behind its items
 * GET /api/usage        requests, tokens and cost per target × task (?target=)
 * GET /api/events       Server-Sent Events: every new result (event "result")
 * GET /metrics          Prometheus text format
 * GET /internal/store, /internal/compare  this instance's part of a store or comparison, for the other instances
 * GET /health/live      200 while the pipeline has not stopped for good, else 503 (no token needed)
 * GET /health/ready     200 when Streams is RUNNING and its stores are queryable, else 503 (no token needed)
 * </pre>
 * With a token, every other request must carry it ({@code Authorization: Bearer T}, {@code ?token=T}, or the cookie set
 * when the page was opened with {@code ?token=T}), else 401. Only GET and HEAD are served (else 405).
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final String STATIC = "dev/sycostream/web/static/";
    private static final String COOKIE = "sycostream_token";
    private static final String UPLOT = "/webjars/uplot/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");
    private static final String JSON = "application/json";
    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";

    private final ServerSocketChannel channel;
    private final Javalin app;
    private final Api api;
    private final HistoryViews insights;
    private final PrometheusMetrics metrics;
    private final SseHub hub;
    private final Runnable beforeScrape;
    private final byte[] token;
    private final String uplotVersion;
    private final HealthCheck health;

    /**
     * Binds (but does not start serving until {@link #start}).
     *
     * @param beforeScrape run before each {@code /metrics} scrape, e.g. to refresh the result gauges
     * @throws IllegalStateException if the address cannot be bound
     */
    public DashboardServer(WebOptions options, Api api, PrometheusMetrics metrics, SseHub hub, Runnable beforeScrape) {
        this(options, api, null, metrics, hub, beforeScrape, null);
    }

    /**
     * @param insights the comparison and alert endpoints; null serves 404 with a reason for them
     * @param health   what the health paths answer; null serves 503 "no health check" for readiness
     */
    public DashboardServer(WebOptions options, Api api, HistoryViews insights, PrometheusMetrics metrics,
                           SseHub hub, Runnable beforeScrape, HealthCheck health) {
        this.health = health;
        this.insights = insights;
        this.api = api;
        this.metrics = metrics;
        this.hub = hub;
        this.beforeScrape = beforeScrape;
        this.token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
        this.uplotVersion = webjarVersion("org.webjars.npm", "uplot");
        this.channel = bind(options);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.router.ignoreTrailingSlashes = false;
            config.http.disableCompression();
            QueuedThreadPool pool = new QueuedThreadPool(250, 4, 60_000);
            pool.setName("sycostream-web");
            pool.setDaemon(true);
            config.jetty.threadPool = pool;
            // Jetty serves on the socket bound above, so a busy port fails here, not in start()
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(options.host());
                try {
                    connector.open(channel);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return connector;
            });
        });
        routes();
    }

    private void routes() {
        app.before(this::methodAndToken);
        get("/", ctx -> resource(ctx, STATIC + "index.html"));
        get("/index.html", ctx -> resource(ctx, STATIC + "index.html"));
        get("/app.js", ctx -> resource(ctx, STATIC + "app.js"));
        get("/app.css", ctx -> resource(ctx, STATIC + "app.css"));
        get("/views.js", ctx -> resource(ctx, STATIC + "views.js"));
        get("/views-lib.js", ctx -> resource(ctx, STATIC + "views-lib.js"));
        get("/views.css", ctx -> resource(ctx, STATIC + "views.css"));
        get(UPLOT + "<file>", this::uplot);
        get("/api/targets", ctx -> json(ctx, api.targets()));
        get("/api/metrics", ctx -> json(ctx, api.metrics(query(ctx))));
        get("/api/progress", ctx -> json(ctx, api.progress()));
        get("/api/datasets", ctx -> json(ctx, api.datasets()));
        get("/api/usage", ctx -> json(ctx, api.usage(query(ctx))));
        get("/api/events", this::events);
        get("/api/compare", insight("comparisons are", (i, ctx) -> i.compare(query(ctx))));
        get("/api/alerts", insight("alerts are", (i, ctx) -> i.alerts()));
        get("/api/probing", insight("probing is", (i, ctx) -> i.probing()));
        // asked by the other pipeline instances (Peers): answered from this instance's stores, never forwarded
        get(StoreReader.INTERNAL_PATH, insight("stores are", (i, ctx) -> i.internalStore(query(ctx))));
        get(ComparisonView.INTERNAL_PATH, insight("comparisons are", (i, ctx) -> i.internalCompare(query(ctx))));
        get("/metrics", this::prometheus);
        get(LIVE, ctx -> health(ctx, health == null ? HealthCheck.Status.ok("process up") : health.live()));
        get(READY, ctx -> health(ctx, health == null ? HealthCheck.Status.failing("no health check") : health.ready()));
        app.exception(EndpointNotFound.class, (e, ctx) -> notFound(ctx, "no such path: " + ctx.path()));
        app.exception(IOException.class, (e, ctx) -> log.debug("dashboard client went away: {}", e.toString()));
        app.exception(Exception.class, (e, ctx) -> {
            log.warn("dashboard request {} failed: {}", ctx.fullUrl(), e.toString(), e);
            send(ctx, 500, JSON, Api.error(500, e.toString()).body());
        });
    }

    /** The same handler for GET and HEAD (Jetty sends no body for HEAD). */
    private void get(String path, Handler handler) {
        app.addHttpHandler(HandlerType.GET, path, handler);
        app.addHttpHandler(HandlerType.HEAD, path, handler);
    }

    private Handler insight(String what, BiFunction<HistoryViews, Context, Api.Response> endpoint) {
        return ctx -> json(ctx, insights == null
                ? Api.error(404, what + " not served by this server")
                : endpoint.apply(insights, ctx));
    }

    private static ServerSocketChannel bind(WebOptions options) {
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.bind(new InetSocketAddress(options.host(), options.port()), 64);
            return ch;
        } catch (BindException e) {
            closeQuietly(ch);
            if (options.randomPortIfTaken() && options.port() != 0) {
                log.info("port {} is in use; the dashboard takes a random free port", options.port());
                return bind(new WebOptions(options.host(), 0, options.token(), false));
            }
            throw new IllegalStateException("cannot serve the dashboard on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage() + " (choose another --http-port, or 0 for a random one)", e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw new IllegalStateException("cannot serve the dashboard on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(ServerSocketChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // nothing was served on it
        }
    }

    public DashboardServer start() {
        app.start();
        return this;
    }

    private InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return address().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        String host = address().getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Before every route: only GET and HEAD, and with a token only requests that carry it. */
    private void methodAndToken(Context ctx) {
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
            send(ctx, 405, JSON, Api.error(405, "only GET is supported").body());
            ctx.skipRemainingHandlers();
            return;
        }
        // Probes carry no secrets (an orchestrator's kubelet has no token), and the answers reveal only a state.
        if (token == null || ctx.path().equals(LIVE) || ctx.path().equals(READY)) {
            return;
        }
        String given = query(ctx).get("token");
        if (!authorized(given, ctx.header("Authorization"), ctx.cookie(COOKIE))) {
            ctx.header("WWW-Authenticate", "Bearer");
            send(ctx, 401, JSON, Api.error(401,
                    "missing or wrong token: send 'Authorization: Bearer <token>' or add ?token=<token>").body());
            ctx.skipRemainingHandlers();
            return;
        }
        if (given != null) {
            ctx.res().addHeader("Set-Cookie", COOKIE + "=" + given + "; Path=/; HttpOnly; SameSite=Strict");
        }
    }

    private boolean authorized(String given, String auth, String cookie) {
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).trim();
        }
        if (given == null) {
            given = cookie;
        }
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    /** The query as the API reads it: the last non-empty value of each parameter; empty ones are left out. */
    private static Map<String, String> query(Context ctx) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            for (String v : e.getValue()) {
                if (!v.isEmpty()) {
                    m.put(e.getKey(), v);
                }
            }
        }
        return m;
    }

    private void uplot(Context ctx) {
        String file = ctx.pathParam("file");
        if (file.contains("..")) {
            notFound(ctx, "no such path: " + ctx.path());
        } else {
            resource(ctx, "META-INF/resources/webjars/uplot/" + uplotVersion + "/" + file);
        }
    }

    private void events(Context ctx) throws IOException {
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.status(200);
        hub.serve(ctx.res().getOutputStream()); // chunked, open until the client goes
    }

    private void prometheus(Context ctx) {
        try {
            beforeScrape.run();
        } catch (DashboardData.NotReadyException e) {
            log.debug("metrics scrape without fresh results: {}", e.getMessage());
        }
        send(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private static void json(Context ctx, Api.Response r) {
        ctx.header("Cache-Control", "no-store");
        send(ctx, r.status(), JSON, r.body());
    }

    private static void health(Context ctx, HealthCheck.Status status) {
        ctx.header("Cache-Control", "no-store");
        send(ctx, status.ok() ? 200 : 503, JSON, Api.toJson(Map.of("status", status.ok() ? "UP" : "DOWN",
                "detail", status.detail())));
    }

    private static void notFound(Context ctx, String message) {
        send(ctx, 404, JSON, Api.error(404, message).body());
    }

    private static void resource(Context ctx, String name) {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                notFound(ctx, "no such resource: " + ctx.path());
                return;
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            ctx.status(200).contentType(TYPES.getOrDefault(ext, "application/octet-stream")).result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static void send(Context ctx, int status, String type, String body) {
        ctx.status(status).contentType(type).result(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String webjarVersion(String group, String artifact) {
        String name = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " WebJar is not on the class path (" + name + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        hub.close();
        try {
            app.stop();
        } finally {
            closeQuietly(channel);
        }
    }
}
