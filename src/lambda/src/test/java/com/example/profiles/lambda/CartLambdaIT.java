package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The cart function as a Lambda: the same artifact, exported as cart. */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Cart.class)
@WithTestResource(RealInfrastructure.class)
class CartLambdaIT {

    static final String TYPE = "com.example.commerce.cart.changed.v1";
    static final String TOPIC = "commerce.cart.changed.v1";
    static final String DLQ = "commerce.cart.changed.v1.dlq";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void aBatchOfCartChangesIsAppliedInOrderWithItsDuplicateIgnoredAndItsInvalidChangeDeadLettered() {
        String user = "lam-cart-" + newId();
        String added = newId();
        String invalid = newId();
        Instant t = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);

        KafkaBatchEvents.msk()
                .binary(TOPIC, 2, 40, user, TYPE, added, "/test/lambda", t, json(change(user, "ITEM_ADDED", "SHOE-1", "shoes", 2, "49.95", t)))
                .binary(TOPIC, 2, 41, user, TYPE, newId(), "/test/lambda", t.plusSeconds(1),
                        json(change(user, "ITEM_ADDED", "SOCK-9", "apparel", 3, "5.00", t.plusSeconds(1))))
                .binary(TOPIC, 2, 42, user, TYPE, added, "/test/lambda", t, json(change(user, "ITEM_ADDED", "SHOE-1", "shoes", 2, "49.95", t)))
                .binary(TOPIC, 2, 43, user, TYPE, invalid, "/test/lambda", t.plusSeconds(2),
                        json(change(user, "ITEM_ADDED", null, "shoes", 1, "1.00", t.plusSeconds(2))))
                .structured(TOPIC, 2, 44, user, CloudEvents.structured(TYPE, newId(), "/test/lambda", t.plusSeconds(3),
                        change(user, "QUANTITY_SET", "SOCK-9", "apparel", 1, "5.00", t.plusSeconds(3))))
                .invoke()
                .statusCode(200)
                .body("batchItemFailures", empty());

        Map<String, String> profile = RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
        // 2 x 49.95 + 1 x 5.00
        assertThat(profile)
                .containsEntry("cart:id", "c-lambda")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:items", "3")
                .containsEntry("cart:value_minor", "10490")
                .containsEntry("cart:updated_at", Long.toString(t.plusSeconds(3).toEpochMilli()))
                .containsEntry("version", "3");

        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            ConsumerRecord<byte[], byte[]> dead = kafka.readAll(DLQ, Duration.ofSeconds(3)).stream()
                    .filter(r -> invalid.equals(KafkaEvents.header(r, "ce_id"))).findFirst().orElseThrow();
            assertThat(KafkaEvents.header(dead, "dead-letter-reason")).contains("sku");
            assertThat(KafkaEvents.header(dead, "dead-letter-function")).isEqualTo("cart");
            assertThat(KafkaEvents.header(dead, "dead-letter-offset")).isEqualTo("43");
            assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(user);
        }
    }

    static Map<String, Object> change(String user, String action, String sku, String category, int quantity, String unitPrice, Instant at) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("userId", user);
        change.put("cartId", "c-lambda");
        change.put("action", action);
        if (sku != null) {
            change.put("sku", sku);
        }
        change.put("category", category);
        change.put("quantity", quantity);
        change.put("unitPrice", new BigDecimal(unitPrice));
        change.put("currency", "EUR");
        change.put("occurredAt", at.toString());
        return change;
    }
}
