package com.example.profiles.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * The secrets source against an HTTP endpoint that answers as the AWS Parameters and Secrets
 * Lambda Extension documents (GET /secretsmanager/get?secretId=..., the session token in
 * X-Aws-Parameters-Secrets-Token, the GetSecretValue answer as JSON).
 */
class LambdaSecretsConfigSourceTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String APP_SECRET = "profiles-staging/profile-functions";
    static final String KAFKA_SECRET = "arn:aws:secretsmanager:eu-central-1:1:secret:AmazonMSK_profiles-AbCdEf";

    HttpServer extension;
    final AtomicReference<String> seenToken = new AtomicReference<>();
    final List<String> seenQueries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        extension = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        extension.createContext("/secretsmanager/get", exchange -> {
            seenToken.set(exchange.getRequestHeaders().getFirst("X-Aws-Parameters-Secrets-Token"));
            String query = exchange.getRequestURI().getRawQuery();
            seenQueries.add(query);
            String secretId = URLDecoder.decode(query.substring("secretId=".length()), StandardCharsets.UTF_8);
            Map<String, String> secret = switch (secretId) {
                case APP_SECRET -> Map.of("REDIS_AUTH_TOKEN", "redis-pass", "PROFILE_HASH_KEY", "hash-key-0123456789");
                case KAFKA_SECRET -> Map.of("username", "profiles", "password", "scram-pass");
                default -> null;
            };
            if (secret == null) {
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
                return;
            }
            // As GetSecretValue answers: the secret's JSON as a string in SecretString.
            byte[] body = JSON.writeValueAsBytes(Map.of("ARN", "arn:aws:secretsmanager:eu-central-1:1:secret:x", "Name", secretId,
                    "SecretString", JSON.writeValueAsString(secret)));
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
                "PROFILES_SECRET_ID", APP_SECRET,
                "AWS_SESSION_TOKEN", "session-token",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(extension.getAddress().getPort())));

        assertThat(source.getProperties()).isEqualTo(Map.of(
                "quarkus.redis.password", "redis-pass",
                "profiles.customer.hash-key", "hash-key-0123456789"));
        assertThat(seenToken.get()).isEqualTo("session-token");
        // The id goes URL-encoded ("/" in a name, ":" in an ARN).
        assertThat(seenQueries).containsExactly("secretId=profiles-staging%2Fprofile-functions");
    }

    @Test
    void theKafkaSecretBecomesTheScramCredentials() {
        LambdaSecretsConfigSource source = new LambdaSecretsConfigSource(Map.of(
                "PROFILES_SECRET_ID", APP_SECRET,
                "PROFILES_KAFKA_SECRET_ID", KAFKA_SECRET,
                "AWS_SESSION_TOKEN", "session-token",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(extension.getAddress().getPort())));

        assertThat(source.getProperties())
                .containsEntry("profiles.kafka.scram.username", "profiles")
                .containsEntry("profiles.kafka.scram.password", "scram-pass")
                .containsEntry("quarkus.redis.password", "redis-pass");
        assertThat(seenQueries).hasSize(2);
    }

    @Test
    void elsewhereItIsEmptyAndAsksNothing() {
        assertThat(new LambdaSecretsConfigSource(Map.of()).getProperties()).isEmpty();
        assertThat(seenQueries).isEmpty();
    }

    @Test
    void aSecretThatCannotBeReadStopsTheStartWithTheReason() {
        assertThatThrownBy(() -> new LambdaSecretsConfigSource(Map.of(
                "PROFILES_SECRET_ID", "no-such-secret", "AWS_SESSION_TOKEN", "t",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(extension.getAddress().getPort()))))
                .hasMessageContaining("answered 400 for no-such-secret");
        extension.stop(0);
        assertThatThrownBy(() -> new LambdaSecretsConfigSource(Map.of(
                "PROFILES_SECRET_ID", "arn:x", "AWS_SESSION_TOKEN", "t",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(extension.getAddress().getPort()))))
                .hasMessageContaining("cannot read secret arn:x");
    }
}
