package dev.sycostream.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the dashboard listens and who may use it.
 *
 * @param host               interface to bind, default {@value #DEFAULT_HOST}
 * @param port               TCP port, 0 for a random free one
 * @param token              required bearer token (header {@code Authorization: Bearer T}, {@code ?token=T} or the
 *                           cookie the page gets after {@code ?token=}); null for none, allowed on loopback only
 * @param randomPortIfTaken  bind a random free port if {@code port} is in use (the demo)
 */
public record WebOptions(String host, int port, String token, boolean randomPortIfTaken) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public WebOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--http-host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http-port must be 0..65535, got " + port);
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("--http-host " + host + " is not a loopback address: set --http-token "
                    + "(or SYCOSTREAM_HTTP_TOKEN) so the dashboard and APIs are not open to the network");
        }
    }

    public static WebOptions loopback(int port) {
        return new WebOptions(DEFAULT_HOST, port, null, false);
    }

    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--http-host " + host + " does not resolve: " + e.getMessage(), e);
        }
    }
}
