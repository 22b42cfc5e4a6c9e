package com.example.profiles.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a Lambda must not do by itself is switched off where the Lambda binding is, and nowhere else. */
class LambdaBindingDefaultsTest {

    @Test
    void withTheLambdaBindingTimersEagerKafkaClientsAndTheHttpServerAreOff() {
        LambdaBindingDefaults defaults = new LambdaBindingDefaults(true);
        assertThat(defaults.getProperties())
                .containsEntry("profiles.freshness.flush-interval", "off")
                .containsEntry("profiles.sweeper.every", "off")
                .containsEntry("mp.messaging.connector.smallrye-kafka.lazy-client", "true")
                .containsEntry("quarkus.http.host-enabled", "false");
        // Above application.properties (250), below the environment (300).
        assertThat(defaults.getOrdinal()).isBetween(251, 299);
    }

    @Test
    void elsewhereNothingChanges() {
        assertThat(new LambdaBindingDefaults(false).getProperties()).isEmpty();
    }

    @Test
    void thisBuildsBindingIsDetected() {
        boolean lambda = ClassLoader.getSystemClassLoader().getResource("io/quarkus/amazon/lambda/runtime/AmazonLambdaContext.class") != null;
        assertThat(new LambdaBindingDefaults().getProperties().isEmpty()).isEqualTo(!lambda);
    }
}
