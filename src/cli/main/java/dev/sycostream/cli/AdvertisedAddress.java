package dev.sycostream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Where the other pipeline instances reach this one's dashboard: Kafka Streams' {@code application.server}. */
final class AdvertisedAddress {
    private AdvertisedAddress() {
    }

    /** {@code host:port}, the host given, else the bind host unless it is a wildcard, else this machine's name. */
    static String of(String advertised, String bindHost, int port) {
        String host = advertised;
        if (host == null || host.isBlank()) {
            host = isWildcard(bindHost) ? localName() : bindHost;
        }
        return host + ":" + port;
    }

    /** A port free now on {@code host}, for {@code --http-port 0}: it must be advertised before the server binds it. */
    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    private static boolean isWildcard(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("--http-host is a wildcard and this machine's name does not resolve ("
                    + e.getMessage() + "): give --http-advertise HOST", e);
        }
    }
}
