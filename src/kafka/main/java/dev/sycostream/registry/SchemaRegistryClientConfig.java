package dev.sycostream.registry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The client's settings, read from the same keys as Confluent's client so that one configuration map
 * works with either: the URL list, the request timeout and basic-auth credentials.
 */
public final class SchemaRegistryClientConfig {
    public static final String URL = "schema.registry.url";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    /**
     * How long a call keeps retrying while no registry URL answers at all (0, the default: fail at once). Long-running
     * services set it so that a registry restart pauses them instead of failing records that are perfectly good.
     */
    public static final String UNREACHABLE_RETRY_MS = "schema.registry.unreachable.retry.ms";
    /** USER_INFO (take {@link #BASIC_AUTH_USER_INFO}) or URL (take user-info from each URL, the default). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Confluent accepts the prefixed spelling too; so do we. */
    public static final String PREFIXED_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";

    /** One registry URL: where to send requests, how to show it, and the Authorization header (or null). */
    record Endpoint(URI base, String display, String authorization) {
        @Override
        public String toString() {
            return display; // never the credentials
        }
    }

    private final List<Endpoint> endpoints;
    private final Duration requestTimeout;
    private final Duration unreachableRetry;

    private SchemaRegistryClientConfig(List<Endpoint> endpoints, Duration requestTimeout, Duration unreachableRetry) {
        this.endpoints = endpoints;
        this.requestTimeout = requestTimeout;
        this.unreachableRetry = unreachableRetry;
    }

    public static SchemaRegistryClientConfig from(Map<String, ?> config) {
        List<String> urls = urls(config);
        String source = string(config, BASIC_AUTH_CREDENTIALS_SOURCE, "URL").toUpperCase(Locale.ROOT);
        String userInfo = string(config, BASIC_AUTH_USER_INFO, string(config, PREFIXED_BASIC_AUTH_USER_INFO, ""));
        if (!source.equals("URL") && !source.equals("USER_INFO")) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + " must be USER_INFO or URL, not " + source);
        }
        if (source.equals("USER_INFO") && !userInfo.contains(":")) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs "
                    + BASIC_AUTH_USER_INFO + " as user:password");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            endpoints.add(endpoint(url, source.equals("USER_INFO") ? userInfo : null));
        }
        long timeoutMs = millis(config, REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, false);
        long retryMs = millis(config, UNREACHABLE_RETRY_MS, 0, true);
        return new SchemaRegistryClientConfig(List.copyOf(endpoints), Duration.ofMillis(timeoutMs), Duration.ofMillis(retryMs));
    }

    /** The comma-separated {@code schema.registry.url}, split; a clear error when it is missing. */
    public static List<String> urls(Map<String, ?> config) {
        String raw = string(config, URL, "").trim();
        List<String> urls = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                urls.add(part.trim());
            }
        }
        if (urls.isEmpty()) {
            throw new ConfigException(URL + " is required (e.g. http://localhost:8081, or mock://SCOPE in tests)");
        }
        return urls;
    }

    /** The URLs as they may be shown in messages and logs: without any user-info. */
    public static String redactedUrls(Map<String, ?> config) {
        List<String> shown = new ArrayList<>();
        for (String url : urls(config)) {
            shown.add(redact(url));
        }
        return String.join(",", shown);
    }

    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
            return url.substring(0, scheme + 3) + url.substring(at + 1);
        }
        return url;
    }

    private static Endpoint endpoint(String url, String configuredUserInfo) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(URL + " has an invalid URL: " + redact(url));
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
            throw new ConfigException(URL + " must be http(s)://host:port, not " + redact(url));
        }
        String userInfo = configuredUserInfo != null ? configuredUserInfo : uri.getRawUserInfo();
        if (userInfo != null && configuredUserInfo == null) {
            userInfo = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        URI base = URI.create(uri.getScheme() + "://" + uri.getHost()
                + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path);
        String authorization = userInfo == null || userInfo.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        return new Endpoint(base, base.toString(), authorization);
    }

    private static long millis(Map<String, ?> config, String key, long fallback, boolean zeroAllowed) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            long ms = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
            if (ms < 0 || (ms == 0 && !zeroAllowed)) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, zeroAllowed ? "must be a number of milliseconds, 0 or more"
                    : "must be a positive number of milliseconds");
        }
    }

    /** Reads a string setting; Kafka's {@link Password} values (from ConfigDef) are unwrapped. */
    static String string(Map<String, ?> config, String key, String fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        return v instanceof Password p ? p.value() : v.toString();
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** How long to keep retrying while the registry is unreachable; zero = not at all. */
    Duration unreachableRetry() {
        return unreachableRetry;
    }

    /** The URLs without credentials, comma-separated, for messages. */
    public String displayUrls() {
        return String.join(",", endpoints.stream().map(Endpoint::display).toList());
    }
}
