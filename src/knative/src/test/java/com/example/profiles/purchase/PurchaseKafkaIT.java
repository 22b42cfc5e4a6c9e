package com.example.profiles.purchase;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The purchase function fed by its Kafka topic, as in the local runner and long-running deployments. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class PurchaseKafkaIT {

    static final String TOPIC = "commerce.purchase.completed.v1";
    static final String DLQ = "commerce.purchase.completed.v1.dlq";
    static final Duration WAIT = Duration.ofSeconds(20);

    @InjectInfrastructure
    Infrastructure infrastructure;

    KafkaEvents kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers());
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void aBinaryModeRecordUpdatesTheProfile() {
        String user = "kbin-" + newId();
        Instant time = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        kafka.sendBinary(TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", time, json(Purchases.order(user, "o-k1", "EUR")));

        await().atMost(WAIT).until(() -> profile(user).containsKey("version"));
        assertThat(profile(user))
                .containsEntry("purchase:count", "1")
                .containsEntry("purchase:spend_minor", "13499")
                .containsEntry("affinity:shoes:count", "5")
                .containsEntry("purchase:last_at", Long.toString(time.toEpochMilli()));
    }

    @Test
    void aStructuredModeRecordUpdatesTheProfileAndARedeliveryChangesNothing() {
        String user = "kstruct-" + newId();
        Map<String, Object> event = CloudEvents.structured(PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(), Purchases.order(user, "o-k2", "GBP"));
        kafka.sendStructured(TOPIC, user, event);
        kafka.sendStructured(TOPIC, user, event);
        // A third, distinct event after the re-delivery tells us when the consumer is past it.
        kafka.sendBinary(TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(), json(Purchases.order(user, "o-k3", "EUR")));

        await().atMost(WAIT).until(() -> "2".equals(profile(user).get("version")));
        // GBP at 1.17: 134.99 -> 157.9383 -> 15794; plus 134.99 EUR.
        assertThat(profile(user)).containsEntry("purchase:count", "2").containsEntry("purchase:spend_minor", Long.toString(15794 + 13499));
    }

    @Test
    void anInvalidRecordGoesToTheDeadLetterTopicWithItsReasonAndTheConsumerGoesOn() {
        String user = "kbad-" + newId();
        String badId = newId();
        Map<String, Object> order = Purchases.order(user, "o-bad", "EUR");
        order.put("total", new BigDecimal("1.00"));
        kafka.sendBinary(TOPIC, user, PURCHASE_TYPE, badId, "/test/kafka", Instant.now(), json(order));
        String garbageKey = "garbage-" + newId();
        kafka.sendRaw(TOPIC, garbageKey, "not an event".getBytes(StandardCharsets.UTF_8));
        kafka.sendBinary(TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(), json(Purchases.order(user, "o-good", "EUR")));

        await().atMost(WAIT).until(() -> profile(user).containsKey("version"));
        assertThat(profile(user)).containsEntry("purchase:count", "1").containsEntry("purchase:last_order", "o-good");

        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ, Duration.ofSeconds(3));
        ConsumerRecord<byte[], byte[]> invalid = dead.stream().filter(r -> badId.equals(KafkaEvents.header(r, "ce_id"))).findFirst().orElseThrow();
        assertThat(KafkaEvents.header(invalid, "dead-letter-reason")).contains("total: is 1.00 but the lines add up to 134.99");
        assertThat(KafkaEvents.header(invalid, "dead-letter-violations")).contains("\"field\":\"total\"");
        assertThat(KafkaEvents.header(invalid, "dead-letter-topic")).isEqualTo(TOPIC);
        assertThat(KafkaEvents.header(invalid, "dead-letter-function")).isEqualTo("purchase");
        assertThat(new String(invalid.value(), StandardCharsets.UTF_8)).isEqualTo(json(order));
        assertThat(new String(invalid.key(), StandardCharsets.UTF_8)).isEqualTo(user);

        ConsumerRecord<byte[], byte[]> garbage = dead.stream().filter(r -> garbageKey.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .findFirst().orElseThrow();
        assertThat(KafkaEvents.header(garbage, "dead-letter-reason")).contains("is not a CloudEvent");
        assertThat(new String(garbage.value(), StandardCharsets.UTF_8)).isEqualTo("not an event");
    }

    @Test
    void anEventOfAnotherTypeOnThePurchaseTopicIsDeadLettered() {
        String user = "ktype-" + newId();
        String id = newId();
        kafka.sendBinary(TOPIC, user, "com.example.commerce.cart.changed.v1", id, "/test/kafka", Instant.now(), json(Purchases.order(user, "o-t", "EUR")));

        await().atMost(WAIT).until(() -> kafka.readAll(DLQ, Duration.ofMillis(500)).stream().anyMatch(r -> id.equals(KafkaEvents.header(r, "ce_id"))));
        ConsumerRecord<byte[], byte[]> dead = kafka.readAll(DLQ, Duration.ofSeconds(1)).stream()
                .filter(r -> id.equals(KafkaEvents.header(r, "ce_id"))).findFirst().orElseThrow();
        assertThat(KafkaEvents.header(dead, "dead-letter-reason")).contains("takes only " + PURCHASE_TYPE);
        assertThat(RedisCommands.call(infrastructure.redis().uri(), "EXISTS", "profile:{" + user + "}")).isEqualTo(0L);
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }
}
