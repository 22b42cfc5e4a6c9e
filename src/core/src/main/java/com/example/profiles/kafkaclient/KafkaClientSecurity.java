package com.example.profiles.kafkaclient;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The Kafka client settings of one way to authenticate, as Amazon MSK documents them, turned into
 * {@code kafka.*} configuration (every channel of the app, producers and consumers, and Quarkus's
 * Kafka admin client take these):
 * <ul>
 * <li>{@code none}: plaintext, as locally and in the tests (the default);</li>
 * <li>{@code iam}: {@code SASL_SSL} with the {@code AWS_MSK_IAM} mechanism of
 * {@code software.amazon.msk:aws-msk-iam-auth} (packaged in the Lambda build), which signs with the
 * function's role;</li>
 * <li>{@code scram}: {@code SASL_SSL} with {@code SCRAM-SHA-512} (what MSK offers) and
 * {@code profiles.kafka.scram.username} / {@code .password};</li>
 * <li>{@code mtls}: {@code SSL} with the client certificate {@code profiles.kafka.tls.certificate}
 * (PEM chain) and {@code .private-key} (PEM, PKCS#8), given to the client as a PEM key store.</li>
 * </ul>
 * The broker's certificate is checked against the JVM's trust store (MSK's certificates chain to a
 * public CA); {@code kafka.ssl.truststore.*} set directly still applies.
 */
public final class KafkaClientSecurity {

    /** The setting that picks the way (environment: {@code PROFILES_KAFKA_AUTH}). */
    public static final String AUTH = "profiles.kafka.auth";

    static final String IAM_LOGIN_MODULE = "software.amazon.msk.auth.iam.IAMLoginModule";
    static final String IAM_CALLBACK_HANDLER = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";

    public enum Auth {
        NONE, IAM, SCRAM, MTLS;

        static Auth parse(String value) {
            if (value == null || value.isBlank()) {
                return NONE;
            }
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(AUTH + " is '" + value + "'; it must be one of none, iam, scram, mtls");
            }
        }
    }

    private KafkaClientSecurity() {
    }

    /**
     * The {@code kafka.*} properties for the way named by {@link #AUTH}.
     *
     * @param config looks a setting up (null when absent)
     * @throws IllegalStateException naming what is missing, e.g. SCRAM without a password
     */
    public static Map<String, String> properties(Function<String, String> config) {
        Auth auth = Auth.parse(config.apply(AUTH));
        Map<String, String> kafka = new LinkedHashMap<>();
        switch (auth) {
            case NONE -> {
            }
            case IAM -> {
                requireClass(IAM_LOGIN_MODULE);
                kafka.put("kafka.security.protocol", "SASL_SSL");
                kafka.put("kafka.sasl.mechanism", "AWS_MSK_IAM");
                kafka.put("kafka.sasl.jaas.config", IAM_LOGIN_MODULE + " required;");
                kafka.put("kafka.sasl.client.callback.handler.class", IAM_CALLBACK_HANDLER);
            }
            case SCRAM -> {
                String username = require(config, "profiles.kafka.scram.username", auth);
                String password = require(config, "profiles.kafka.scram.password", auth);
                String mechanism = config.apply("profiles.kafka.scram.mechanism");
                kafka.put("kafka.security.protocol", "SASL_SSL");
                kafka.put("kafka.sasl.mechanism", mechanism == null || mechanism.isBlank() ? "SCRAM-SHA-512" : mechanism);
                kafka.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasQuoted(username) + "\" password=\"" + jaasQuoted(password) + "\";");
            }
            case MTLS -> {
                kafka.put("kafka.security.protocol", "SSL");
                kafka.put("kafka.ssl.keystore.type", "PEM");
                kafka.put("kafka.ssl.keystore.certificate.chain", require(config, "profiles.kafka.tls.certificate", auth));
                kafka.put("kafka.ssl.keystore.key", require(config, "profiles.kafka.tls.private-key", auth));
                String keyPassword = config.apply("profiles.kafka.tls.private-key-password");
                if (keyPassword != null && !keyPassword.isBlank()) {
                    kafka.put("kafka.ssl.key.password", keyPassword);
                }
            }
        }
        return kafka;
    }

    private static String require(Function<String, String> config, String key, Auth auth) {
        String value = config.apply(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(AUTH + "=" + auth.name().toLowerCase(Locale.ROOT) + " needs " + key
                    + " (on Lambda from the secret named by PROFILES_KAFKA_SECRET_ID)");
        }
        return value;
    }

    private static void requireClass(String name) {
        try {
            Class.forName(name, false, KafkaClientSecurity.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(AUTH + "=iam needs software.amazon.msk:aws-msk-iam-auth on the class path; "
                    + "the Lambda module (src/lambda) packages it, the Knative module does not");
        }
    }

    /** A value inside a JAAS double-quoted string: backslashes and quotes escaped. */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
