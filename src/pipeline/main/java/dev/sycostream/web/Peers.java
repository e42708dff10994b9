package dev.sycostream.web;

import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The other pipeline instances of this application, reached over their dashboards' HTTP: each instance advertises
 * its dashboard as Kafka Streams' {@code application.server}, so the owners Kafka Streams names for a store or a
 * key ({@code streamsMetadataForStore}, {@code queryMetadataForKey}) are addresses to ask. Only the
 * {@code /internal/...} paths are asked, which answer from the asked instance's own stores and never forward again,
 * so a query crosses at most one hop. The bearer token, when the dashboards have one, goes along.
 */
public final class Peers {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HostInfo self;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param self this instance's {@code application.server}; @param token the dashboards' token, or null */
    public Peers(HostInfo self, String token) {
        this.self = self;
        this.token = token;
    }

    public boolean isSelf(HostInfo host) {
        return self.equals(host);
    }

    /**
     * GETs {@code path} with {@code query} from {@code host}; the body of a 200.
     *
     * @throws DashboardData.NotReadyException naming the instance when it cannot be reached or does not answer 200,
     *                                         so the API answers 503 rather than a silently partial result
     */
    public String get(HostInfo host, String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "");
        query.forEach((k, v) -> q.add(enc(k) + "=" + enc(v)));
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path + (query.isEmpty() ? "" : q.toString()));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw unavailable(host, path, "answered " + r.statusCode() + ": " + r.body(), null);
            }
            return r.body();
        } catch (IOException e) {
            throw unavailable(host, path, e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(host, path, "interrupted", e);
        }
    }

    private static DashboardData.NotReadyException unavailable(HostInfo host, String path, String why, Exception e) {
        return new DashboardData.NotReadyException("pipeline instance " + host.host() + ":" + host.port()
                + " owns part of this answer and did not give it (" + path + " " + why + "); retry shortly", e);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
