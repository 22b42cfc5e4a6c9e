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
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * On AWS Lambda, the secrets come from Secrets Manager, not the environment: the function's
 * {@code PROFILES_SECRET_ARN} names a JSON secret {@code {"REDIS_AUTH_TOKEN", "PROFILE_HASH_KEY"}},
 * read once at start through the AWS Parameters and Secrets Lambda Extension (a layer the Terraform
 * module attaches; it answers on localhost and caches), so no AWS SDK is needed. The values become
 * {@code quarkus.redis.password} and {@code profiles.customer.hash-key}. Anywhere else (no
 * {@code PROFILES_SECRET_ARN}) this source is empty. A secret that cannot be read stops the start
 * with the reason: the functions cannot work without it.
 */
public class LambdaSecretsConfigSource extends MapBackedConfigSource {

    static final Map<String, String> SECRET_KEYS = Map.of(
            "REDIS_AUTH_TOKEN", "quarkus.redis.password",
            "PROFILE_HASH_KEY", "profiles.customer.hash-key");

    public LambdaSecretsConfigSource() {
        this(System.getenv());
    }

    /** Above application.properties (250), below environment variables (300). */
    LambdaSecretsConfigSource(Map<String, String> env) {
        super("Secrets Manager (PROFILES_SECRET_ARN)", secretsFrom(env), 275);
    }

    private static Map<String, String> secretsFrom(Map<String, String> env) {
        String arn = env.get("PROFILES_SECRET_ARN");
        return arn == null || arn.isBlank() ? Map.of() : read(arn, env);
    }

    private static Map<String, String> read(String arn, Map<String, String> env) {
        String token = env.get("AWS_SESSION_TOKEN");
        if (token == null) {
            throw new IllegalStateException("PROFILES_SECRET_ARN is set but AWS_SESSION_TOKEN is not: the secret can only be read inside Lambda");
        }
        String port = env.getOrDefault("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773");
        URI uri = URI.create("http://localhost:" + port + "/secretsmanager/get?secretId=" + URLEncoder.encode(arn, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("X-Aws-Parameters-Secrets-Token", token).GET().build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the Parameters and Secrets extension answered " + response.statusCode() + " for " + arn);
            }
            ObjectMapper mapper = new ObjectMapper();
            JsonNode secret = mapper.readTree(mapper.readTree(response.body()).path("SecretString").asText("{}"));
            Map<String, String> props = new HashMap<>();
            SECRET_KEYS.forEach((field, key) -> {
                if (secret.hasNonNull(field)) {
                    props.put(key, secret.get(field).asText());
                }
            });
            return Map.copyOf(props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + arn + " through the Parameters and Secrets extension on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading secret " + arn, e);
        }
    }
}
