package com.example.profiles.devtools.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Free TCP ports on 127.0.0.1, for servers that must be told their port up front. */
final class LoopbackPorts {

    /** The only address our servers bind to; IPv4 literal so no resolver or IPv6 preference interferes. */
    static final String HOST = "127.0.0.1";

    private LoopbackPorts() {
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName(HOST);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for an IP literal
        }
    }

    /**
     * A port that was free a moment ago. Another process may still take it before our server binds
     * it, so callers retry with a fresh port when binding fails.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), 0), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free port on " + HOST, e);
        }
    }
}
