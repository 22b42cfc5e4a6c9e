package com.example.profiles.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * On AWS Lambda, the secrets come from Secrets Manager, not the environment, read once at start
 * through the AWS Parameters and Secrets Lambda Extension (a layer the Terraform module attaches;
 * it answers on localhost and caches), so no AWS SDK is needed:
 * <ul>
 * <li>{@code PROFILES_SECRET_ID} (name or ARN) names a JSON secret {@code {"REDIS_AUTH_TOKEN",
 * "PROFILE_HASH_KEY"}}: {@code quarkus.redis.password} and {@code profiles.customer.hash-key};</li>
 * <li>{@code PROFILES_KAFKA_SECRET_ID}, for SASL/SCRAM or mTLS to Kafka, names the secret the MSK
 * event source mapping reads as well: {@code {"username", "password"}} become
 * {@code profiles.kafka.scram.*}, {@code {"certificate", "privateKey", "privateKeyPassword"}}
 * become {@code profiles.kafka.tls.*} (see {@link KafkaClientSecurity}).</li>
 * </ul>
 * Anywhere else (neither variable set) this source is empty. A secret that cannot be read stops the
 * start with the reason: the functions cannot work without it.
 */
public class LambdaSecretsConfigSource extends MapBackedConfigSource {

    /** Environment variable naming the application's secret. */
    public static final String APP_SECRET = "PROFILES_SECRET_ID";
    /** Environment variable naming the Kafka client's secret (SCRAM or mTLS). */
    public static final String KAFKA_SECRET = "PROFILES_KAFKA_SECRET_ID";

    static final Map<String, String> APP_SECRET_KEYS = Map.of(
            "REDIS_AUTH_TOKEN", "quarkus.redis.password",
            "PROFILE_HASH_KEY", "profiles.customer.hash-key");

    /** The field names are those Lambda's Kafka event source mappings read from the same secrets. */
    static final Map<String, String> KAFKA_SECRET_KEYS = Map.of(
            "username", "profiles.kafka.scram.username",
            "password", "profiles.kafka.scram.password",
            "certificate", "profiles.kafka.tls.certificate",
            "privateKey", "profiles.kafka.tls.private-key",
            "privateKeyPassword", "profiles.kafka.tls.private-key-password");

    public LambdaSecretsConfigSource() {
        this(System.getenv());
    }

    /** Above application.properties (250), below environment variables (300). */
    LambdaSecretsConfigSource(Map<String, String> env) {
        super("Secrets Manager (" + APP_SECRET + ", " + KAFKA_SECRET + ")", secretsFrom(env), 275);
    }

    private static Map<String, String> secretsFrom(Map<String, String> env) {
        Map<String, String> props = new LinkedHashMap<>();
        String app = env.get(APP_SECRET);
        if (app != null && !app.isBlank()) {
            props.putAll(read(app, APP_SECRET_KEYS, env));
        }
        String kafka = env.get(KAFKA_SECRET);
        if (kafka != null && !kafka.isBlank()) {
            props.putAll(read(kafka, KAFKA_SECRET_KEYS, env));
        }
        return Map.copyOf(props);
    }

    private static Map<String, String> read(String secretId, Map<String, String> fields, Map<String, String> env) {
        String token = env.get("AWS_SESSION_TOKEN");
        if (token == null) {
            throw new IllegalStateException("secret " + secretId + " is named, but AWS_SESSION_TOKEN is not set: the secret can only be read inside Lambda");
        }
        String port = env.getOrDefault("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773");
        URI uri = URI.create("http://localhost:" + port + "/secretsmanager/get?secretId=" + URLEncoder.encode(secretId, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("X-Aws-Parameters-Secrets-Token", token).GET().build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the Parameters and Secrets extension answered " + response.statusCode() + " for " + secretId);
            }
            ObjectMapper mapper = new ObjectMapper();
            JsonNode secret = mapper.readTree(mapper.readTree(response.body()).path("SecretString").asText("{}"));
            Map<String, String> props = new HashMap<>();
            fields.forEach((field, key) -> {
                if (secret.hasNonNull(field)) {
                    props.put(key, secret.get(field).asText());
                }
            });
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + secretId + " through the Parameters and Secrets extension on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading secret " + secretId, e);
        }
    }
}
