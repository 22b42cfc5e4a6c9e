package com.example.profiles.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * The AWS Parameters and Secrets Lambda Extension as the function sees it on localhost:
 * {@code GET /secretsmanager/get?secretId=<name or ARN>} with the session token in
 * {@code X-Aws-Parameters-Secrets-Token}, answering GetSecretValue's JSON (the secret in
 * {@code SecretString}). Serves the secrets the test puts here; a wrong token or an unknown id is
 * refused, as the extension and Secrets Manager would.
 */
final class SecretsExtensionServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String sessionToken;
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    SecretsExtensionServer(String sessionToken) {
        this.sessionToken = sessionToken;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/secretsmanager/get", exchange -> {
            try {
                String query = exchange.getRequestURI().getRawQuery();
                String id = query == null || !query.startsWith("secretId=") ? ""
                        : URLDecoder.decode(query.substring("secretId=".length()), StandardCharsets.UTF_8);
                asked.add(id);
                Map<String, String> secret = secrets.get(id);
                if (!sessionToken.equals(exchange.getRequestHeaders().getFirst("X-Aws-Parameters-Secrets-Token"))) {
                    exchange.sendResponseHeaders(401, -1);
                } else if (secret == null) {
                    exchange.sendResponseHeaders(400, -1);
                } else {
                    byte[] body = JSON.writeValueAsBytes(Map.of("Name", id, "ARN", id.startsWith("arn:") ? id : "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + id + "-AbCdEf",
                            "SecretString", JSON.writeValueAsString(secret), "VersionId", "v1"));
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    void put(String secretId, Map<String, String> secret) {
        secrets.put(secretId, Map.copyOf(secret));
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The secret ids asked for, in order. */
    List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
