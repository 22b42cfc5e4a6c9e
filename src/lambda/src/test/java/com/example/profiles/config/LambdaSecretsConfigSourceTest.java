package com.example.profiles.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * The secrets source against an HTTP endpoint that answers as the AWS Parameters and Secrets
 * Lambda Extension documents (GET /secretsmanager/get?secretId=..., the session token in
 * X-Aws-Parameters-Secrets-Token, the GetSecretValue answer as JSON).
 */
class LambdaSecretsConfigSourceTest {

    HttpServer extension;
    final AtomicReference<String> seenToken = new AtomicReference<>();
    final AtomicReference<String> seenQuery = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        extension = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        extension.createContext("/secretsmanager/get", exchange -> {
            seenToken.set(exchange.getRequestHeaders().getFirst("X-Aws-Parameters-Secrets-Token"));
            seenQuery.set(exchange.getRequestURI().getRawQuery());
            byte[] body = ("{\"ARN\":\"arn:aws:secretsmanager:eu-central-1:1:secret:p\",\"SecretString\":"
                    + "\"{\\\"REDIS_AUTH_TOKEN\\\":\\\"redis-pass\\\",\\\"PROFILE_HASH_KEY\\\":\\\"hash-key-0123456789\\\"}\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        extension.start();
    }

    @AfterEach
    void stop() {
        extension.stop(0);
    }

    @Test
    void insideLambdaTheSecretBecomesTheRedisPasswordAndTheHashKey() {
        LambdaSecretsConfigSource source = new LambdaSecretsConfigSource(Map.of(
                "PROFILES_SECRET_ARN", "arn:aws:secretsmanager:eu-central-1:1:secret:p",
                "AWS_SESSION_TOKEN", "session-token",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(extension.getAddress().getPort())));

        assertThat(source.getProperties()).isEqualTo(Map.of(
                "quarkus.redis.password", "redis-pass",
                "profiles.customer.hash-key", "hash-key-0123456789"));
        assertThat(seenToken.get()).isEqualTo("session-token");
        assertThat(seenQuery.get()).isEqualTo("secretId=arn%3Aaws%3Asecretsmanager%3Aeu-central-1%3A1%3Asecret%3Ap");
    }

    @Test
    void elsewhereItIsEmptyAndAsksNothing() {
        assertThat(new LambdaSecretsConfigSource(Map.of()).getProperties()).isEmpty();
        assertThat(seenQuery.get()).isNull();
    }

    @Test
    void aSecretThatCannotBeReadStopsTheStartWithTheReason() {
        extension.stop(0);
        assertThatThrownBy(() -> new LambdaSecretsConfigSource(Map.of(
                "PROFILES_SECRET_ARN", "arn:x", "AWS_SESSION_TOKEN", "t",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(extension.getAddress().getPort()))))
                .hasMessageContaining("cannot read secret arn:x");
    }
}
