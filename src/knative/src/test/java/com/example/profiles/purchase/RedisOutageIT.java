package com.example.profiles.purchase;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Redis goes away: nothing is half-written, nothing is lost. The real redis-server process is
 * stopped and started again on the same port (empty, as after a failover without persistence,
 * which also drops the cached Lua scripts).
 */
@QuarkusTest
@Tag("knative")
@WithTestResource(RealInfrastructure.class)
class RedisOutageIT {

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void overHttpTheEventIsRefusedWith503AndARetryAppliesItExactlyOnce() {
        String user = "outage-http-" + newId();
        String id = newId();
        String data = json(Purchases.order(user, "o-out", "EUR"));
        Instant time = Instant.now();

        infrastructure.redis().stop();
        try {
            postBinary(PURCHASE_TYPE, id, "/test/checkout", time, data)
                    .statusCode(503)
                    .header("Retry-After", "1")
                    .body("error", equalTo("profile store unavailable, nothing was written; retry"));
        } finally {
            infrastructure.redis().restart();
        }

        // Redis is back (and has forgotten the script): the Broker's retry applies the event once.
        postBinary(PURCHASE_TYPE, id, "/test/checkout", time, data).statusCode(200).body("duplicate", equalTo(false));
        postBinary(PURCHASE_TYPE, id, "/test/checkout", time, data).statusCode(200).body("duplicate", equalTo(true));
        assertThat(profile(user)).containsEntry("purchase:count", "1").containsEntry("purchase:spend_minor", "13499");
    }

    @Test
    void onKafkaTheRecordWaitsUncommittedUntilRedisIsBackThenAppliesOnce() throws InterruptedException {
        String user = "outage-kafka-" + newId();
        String group = "profile-functions-purchase";
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            // Let the consumer catch up with everything before, so the committed offset is settled.
            RecordMetadata warmUp = kafka.sendBinary(PurchaseKafkaIT.TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(),
                    json(Purchases.order("warm-" + newId(), "o-w", "EUR")));
            await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committedOffset(group, PurchaseKafkaIT.TOPIC) > warmUp.offset());

            RecordMetadata record;
            infrastructure.redis().stop();
            try {
                record = kafka.sendBinary(PurchaseKafkaIT.TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(),
                        json(Purchases.order(user, "o-wait", "EUR")));
                // Several retry rounds and commit intervals pass while Redis is down.
                Thread.sleep(3000);
                assertThat(kafka.committedOffset(group, PurchaseKafkaIT.TOPIC)).isLessThanOrEqualTo(record.offset());
            } finally {
                infrastructure.redis().restart();
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> profile(user).containsKey("version"));
            await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committedOffset(group, PurchaseKafkaIT.TOPIC) > record.offset());
            assertThat(profile(user)).containsEntry("purchase:count", "1").containsEntry("version", "1");
            assertThat(kafka.readAll(PurchaseKafkaIT.DLQ, Duration.ofSeconds(1)))
                    .noneMatch(r -> user.equals(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }
}
