package com.example.profiles.kafkaclient;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Adds the {@code kafka.*} settings of {@code profiles.kafka.auth} (see {@link KafkaClientSecurity})
 * to the configuration, so every Kafka client of the app authenticates the same way. A factory,
 * not a plain source, because it reads other settings: the way itself (e.g. the environment's
 * {@code PROFILES_KAFKA_AUTH}, a test's override) and the credentials, which on Lambda come from a
 * secret ({@link LambdaSecretsConfigSource}).
 *
 * <p>Ordinal 245: below application.properties (250) and the environment, so a {@code kafka.*} key
 * set there explicitly still wins.
 */
public class KafkaSecurityConfigSourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 245;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> properties = KafkaClientSecurity.properties(name -> {
            ConfigValue value = context.getValue(name);
            return value == null ? null : value.getValue();
        });
        if (properties.isEmpty()) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("Kafka client security (" + KafkaClientSecurity.AUTH + ")", properties, ORDINAL) {
            private static final long serialVersionUID = 1L;
        });
    }
}
