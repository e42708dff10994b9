package dev.sycostream.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's HTTP server (the JDK's {@code com.sun.net.httpserver}):
 * <pre>
 * GET /                 the live page (static/index.html, app.js, app.css)
 * GET /webjars/uplot/…  the uPlot chart library, from its WebJar on the class path
 * GET /api/targets      registered targets
 * GET /api/metrics      latest results (?target=&amp;task=&amp;metric=&amp;window=cumulative|PT1M|all)
 * GET /api/progress     answers counted vs expected per target
 * GET /api/events       Server-Sent Events: every new result (event "result")
 * GET /metrics          Prometheus text format
 * </pre>
 * With a token, every request must carry it ({@code Authorization: Bearer T}, {@code ?token=T}, or the cookie set
 * when the page was opened with {@code ?token=T}), else 401.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final String STATIC = "dev/sycostream/web/static/";
    private static final String COOKIE = "sycostream_token";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Api api;
    private final ComparisonsAndAlerts insights;
    private final PrometheusMetrics metrics;
    private final SseHub hub;
    private final Runnable beforeScrape;
    private final byte[] token;
    private final String uplotVersion;

    /**
     * Binds (but does not start serving until {@link #start}).
     *
     * @param beforeScrape run before each {@code /metrics} scrape, e.g. to refresh the result gauges
     * @throws IllegalStateException if the address cannot be bound
     */
    public DashboardServer(WebOptions options, Api api, PrometheusMetrics metrics, SseHub hub, Runnable beforeScrape) {
        this(options, api, null, metrics, hub, beforeScrape);
    }

    /** @param insights the comparison and alert endpoints; null serves 404 with a reason for them */
    public DashboardServer(WebOptions options, Api api, ComparisonsAndAlerts insights, PrometheusMetrics metrics,
                           SseHub hub, Runnable beforeScrape) {
        this.insights = insights;
        this.api = api;
        this.metrics = metrics;
        this.hub = hub;
        this.beforeScrape = beforeScrape;
        this.token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
        this.uplotVersion = webjarVersion("org.webjars.npm", "uplot");
        this.server = bind(options);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sycostream-web-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    private static HttpServer bind(WebOptions options) {
        try {
            return HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        } catch (BindException e) {
            if (options.randomPortIfTaken() && options.port() != 0) {
                log.info("port {} is in use; the dashboard takes a random free port", options.port());
                return bind(new WebOptions(options.host(), 0, options.token(), false));
            }
            throw new IllegalStateException("cannot serve the dashboard on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage() + " (choose another --http-port, or 0 for a random one)", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the dashboard on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage(), e);
        }
    }

    public DashboardServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        String host = server.getAddress().getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                send(ex, 405, "application/json", Api.error(405, "only GET is supported").body());
                return;
            }
            if (!authorized(ex, query)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                send(ex, 401, "application/json", Api.error(401,
                        "missing or wrong token: send 'Authorization: Bearer <token>' or add ?token=<token>").body());
                return;
            }
            if (token != null && query.containsKey("token")) {
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + query.get("token")
                        + "; Path=/; HttpOnly; SameSite=Strict");
            }
            switch (path) {
                case "/", "/index.html" -> resource(ex, STATIC + "index.html");
                case "/app.js", "/app.css" -> resource(ex, STATIC + path.substring(1));
                case "/api/targets" -> json(ex, api.targets());
                case "/api/metrics" -> json(ex, api.metrics(query));
                case "/api/progress" -> json(ex, api.progress());
                case "/api/events" -> events(ex);
                case "/api/compare" -> json(ex, insights == null
                        ? Api.error(404, "comparisons are not served by this server") : insights.compare(query));
                case "/api/alerts" -> json(ex, insights == null
                        ? Api.error(404, "alerts are not served by this server") : insights.alerts());
                case "/api/probing" -> json(ex, insights == null
                        ? Api.error(404, "probing is not served by this server") : insights.probing());
                case "/metrics" -> prometheus(ex);
                default -> {
                    if (path.startsWith("/webjars/uplot/") && !path.contains("..")) {
                        resource(ex, "META-INF/resources/webjars/uplot/" + uplotVersion + "/"
                                + path.substring("/webjars/uplot/".length()));
                    } else {
                        send(ex, 404, "application/json", Api.error(404, "no such path: " + path).body());
                    }
                }
            }
        } catch (IOException e) {
            log.debug("dashboard client went away: {}", e.toString());
        } catch (RuntimeException e) {
            log.warn("dashboard request {} failed: {}", ex.getRequestURI(), e.toString(), e);
            try {
                send(ex, 500, "application/json", Api.error(500, e.toString()).body());
            } catch (IOException | RuntimeException ignored) {
                // headers may already be sent
            }
        }
    }

    private boolean authorized(HttpExchange ex, Map<String, String> query) {
        if (token == null) {
            return true;
        }
        String given = query.get("token");
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).trim();
        }
        if (given == null) {
            given = cookie(ex.getRequestHeaders().get("Cookie"));
        }
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    private static String cookie(List<String> headers) {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0); // chunked, open until the client goes
        try (OutputStream out = ex.getResponseBody()) {
            hub.serve(out);
        }
    }

    private void prometheus(HttpExchange ex) throws IOException {
        try {
            beforeScrape.run();
        } catch (DashboardData.NotReadyException e) {
            log.debug("metrics scrape without fresh results: {}", e.getMessage());
        }
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private static void json(HttpExchange ex, Api.Response r) throws IOException {
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        send(ex, r.status(), "application/json", r.body());
    }

    private static void resource(HttpExchange ex, String name) throws IOException {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                send(ex, 404, "application/json", Api.error(404, "no such resource: " + ex.getRequestURI().getPath()).body());
                return;
            }
            byte[] body = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            ex.getResponseHeaders().add("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!v.isEmpty()) {
                m.put(k, v);
            }
        }
        return m;
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
        server.stop(0);
        executor.shutdownNow();
    }
}
