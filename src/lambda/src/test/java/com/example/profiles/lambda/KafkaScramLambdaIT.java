package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.empty;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.example.profiles.kafkaclient.KafkaClientSecurity;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.ScramInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The function's Kafka producer against a real broker that offers only SASL_SSL with SCRAM-SHA-512
 * to it (as MSK with SASL/SCRAM does), configured the way a deployment is: profiles.kafka.auth=scram
 * and the credentials, nothing else Kafka-specific. A dead letter that arrives proves the settings
 * reach the client: the plaintext defaults could not even complete the TLS handshake. The IAM
 * settings are checked against the same listener as far as a broker without IAM can take them.
 */
@LongTest
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Purchase.class)
@WithTestResource(ScramInfrastructure.class)
class KafkaScramLambdaIT {

    static final String TOPIC = "commerce.purchase.completed.v1";
    static final String DLQ = "commerce.purchase.completed.v1.dlq";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void anInvalidRecordIsDeadLetteredOverSaslSslWithScram() {
        // (Read here, not injected: every @QuarkusTest class's injection points are checked in every test application.)
        assertThat(ConfigProvider.getConfig().getValue("kafka.sasl.mechanism", String.class)).isEqualTo("SCRAM-SHA-512");
        String user = "lam-scram-" + newId();
        String bad = newId();
        Map<String, Object> order = PurchaseLambdaIT.order(user, "o-bad");
        order.put("total", new BigDecimal("2.00"));

        KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 11, user, PURCHASE_TYPE, bad, "/test/scram", Instant.now().minusSeconds(1), json(order))
                .binary(TOPIC, 0, 12, user, PURCHASE_TYPE, newId(), "/test/scram", Instant.now().minusSeconds(1), json(PurchaseLambdaIT.order(user, "o-ok")))
                .invoke()
                .statusCode(200)
                .body("batchItemFailures", empty());

        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            ConsumerRecord<byte[], byte[]> dead = kafka.readAll(DLQ, Duration.ofSeconds(5)).stream()
                    .filter(r -> bad.equals(KafkaEvents.header(r, "ce_id"))).findFirst().orElseThrow();
            assertThat(KafkaEvents.header(dead, "dead-letter-reason")).contains("total");
            assertThat(KafkaEvents.header(dead, "dead-letter-offset")).isEqualTo("11");
        }
    }

    @Test
    void aWrongPasswordIsRefusedByTheBroker() {
        Map<String, String> settings = KafkaClientSecurity.properties(Map.of(
                "profiles.kafka.auth", "scram",
                "profiles.kafka.scram.username", ScramInfrastructure.USERNAME,
                "profiles.kafka.scram.password", "not-the-password")::get);
        assertThatThrownBy(() -> send(settings)).hasStackTraceContaining("Authentication failed");
    }

    @Test
    void theIamSettingsLoadTheMskIamModuleAndOfferItsMechanism() {
        Map<String, String> settings = KafkaClientSecurity.properties(Map.of("profiles.kafka.auth", "iam")::get);
        assertThat(settings).containsEntry("kafka.sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("kafka.sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        // The client gets as far as the SASL handshake with AWS_MSK_IAM (so aws-msk-iam-auth is
        // packaged and its login module and callback handler load); this broker, not MSK, offers
        // only SCRAM and says so.
        assertThatThrownBy(() -> send(settings)).hasStackTraceContaining("AWS_MSK_IAM");
    }

    /** Sends one record with a plain KafkaProducer made of these kafka.* settings; the broker's answer or its refusal. */
    private void send(Map<String, String> kafkaSettings) throws Exception {
        Properties p = new Properties();
        kafkaSettings.forEach((key, value) -> p.put(key.substring("kafka.".length()), value));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafka().saslSslBootstrapServers());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", ScramInfrastructure.tls().trustStore().toString());
        p.put("ssl.truststore.password", ScramInfrastructure.tls().password());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        Map<String, Object> config = new HashMap<>();
        p.forEach((k, v) -> config.put((String) k, v));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(DLQ, new byte[] { 1 })).get();
        }
    }
}
