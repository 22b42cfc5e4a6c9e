package com.example.profiles.kafkaclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The Kafka client settings of each way to authenticate, as MSK's documentation gives them. */
class KafkaClientSecurityTest {

    @Test
    void plaintextUnlessToldOtherwise() {
        assertThat(KafkaClientSecurity.properties(Map.<String, String> of()::get)).isEmpty();
        assertThat(KafkaClientSecurity.properties(Map.of("profiles.kafka.auth", "none")::get)).isEmpty();
    }

    @Test
    void scramIsSaslSslWithScramSha512AndTheCredentialsQuotedForJaas() {
        Map<String, String> kafka = KafkaClientSecurity.properties(Map.of(
                "profiles.kafka.auth", "SCRAM",
                "profiles.kafka.scram.username", "profiles",
                "profiles.kafka.scram.password", "pa\"ss\\word")::get);
        assertThat(kafka).containsExactlyInAnyOrderEntriesOf(Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"profiles\" password=\"pa\\\"ss\\\\word\";"));
    }

    @Test
    void scramWithoutItsPasswordNamesWhatIsMissing() {
        assertThatThrownBy(() -> KafkaClientSecurity.properties(Map.of("profiles.kafka.auth", "scram", "profiles.kafka.scram.username", "u")::get))
                .hasMessageContaining("profiles.kafka.auth=scram needs profiles.kafka.scram.password")
                .hasMessageContaining("PROFILES_KAFKA_SECRET_ID");
    }

    @Test
    void mtlsGivesTheClientCertificateAsAPemKeyStore() {
        Map<String, String> config = new HashMap<>(Map.of(
                "profiles.kafka.auth", "mtls",
                "profiles.kafka.tls.certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                "profiles.kafka.tls.private-key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"));
        assertThat(KafkaClientSecurity.properties(config::get))
                .containsEntry("kafka.security.protocol", "SSL")
                .containsEntry("kafka.ssl.keystore.type", "PEM")
                .containsEntry("kafka.ssl.keystore.certificate.chain", config.get("profiles.kafka.tls.certificate"))
                .containsEntry("kafka.ssl.keystore.key", config.get("profiles.kafka.tls.private-key"))
                .doesNotContainKey("kafka.ssl.key.password");
        config.put("profiles.kafka.tls.private-key-password", "key-pass");
        assertThat(KafkaClientSecurity.properties(config::get)).containsEntry("kafka.ssl.key.password", "key-pass");
    }

    @Test
    void iamIsSaslSslWithMsksOwnMechanismWhereItsLibraryIsPackaged() {
        boolean packaged = getClass().getClassLoader().getResource("software/amazon/msk/auth/iam/IAMLoginModule.class") != null;
        if (packaged) {
            assertThat(KafkaClientSecurity.properties(Map.of("profiles.kafka.auth", "iam")::get)).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "kafka.security.protocol", "SASL_SSL",
                    "kafka.sasl.mechanism", "AWS_MSK_IAM",
                    "kafka.sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                    "kafka.sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler"));
        } else {
            // The Knative build does not package aws-msk-iam-auth: said at start, not at the first send.
            assertThatThrownBy(() -> KafkaClientSecurity.properties(Map.of("profiles.kafka.auth", "iam")::get))
                    .hasMessageContaining("needs software.amazon.msk:aws-msk-iam-auth");
        }
    }

    @Test
    void anUnknownWayIsRefused() {
        assertThatThrownBy(() -> KafkaClientSecurity.properties(Map.of("profiles.kafka.auth", "kerberos")::get))
                .hasMessageContaining("one of none, iam, scram, mtls");
    }
}
