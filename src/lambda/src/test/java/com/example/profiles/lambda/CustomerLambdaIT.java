package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Fixtures;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The customer-change function as a Lambda, fed plain Debezium records (captured samples from
 * the testing module's {@code fixtures/debezium}, ids replaced per test) the way an event source mapping on
 * the connector's topic delivers them, with Redis stopped for part of it.
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Customer.class)
@WithTestResource(RealInfrastructure.class)
class CustomerLambdaIT {

    static final String TOPIC = "shop.public.customers";
    static final String DLQ = "shop.public.customers.dlq";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void changesTombstonesAndAnInvalidChangeInOneBatch() {
        String ann = "c-" + newId();
        String seed = "c-" + newId();
        String badKey = "{\"id\":\"bad-" + newId() + "\"}";
        ObjectNode invalid = sample("customers-update-with-before.json", ann);
        invalid.put("op", "t");

        KafkaBatchEvents.msk()
                .record(TOPIC, 0, 500, key(ann), bytes(sample("customers-insert.json", ann)), Map.of())
                .record(TOPIC, 0, 501, key(ann), bytes(wrapped(sample("customers-update-default-replica-identity.json", ann))), Map.of())
                .record(TOPIC, 0, 502, KafkaBatchEvents.bytes(badKey), bytes(invalid), Map.of())
                .record(TOPIC, 0, 503, key(ann), bytes(sample("customers-update-with-before.json", ann)), Map.of())
                .record(TOPIC, 0, 504, key(ann), bytes(sample("customers-insert.json", ann)), Map.of()) // re-emitted: duplicate
                .record(TOPIC, 1, 9, key(seed), bytes(sample("customers-snapshot-read.json", seed)), Map.of())
                .record(TOPIC, 1, 10, key(seed), null, Map.of()) // a tombstone after a delete: ignored
                .invoke()
                .statusCode(200)
                .body("batchItemFailures", empty());

        assertThat(profile(ann))
                .containsEntry("customer:tier", "platinum")
                .containsEntry("customer:city", "Trondheim")
                .containsEntry("customer:op", "u")
                .containsEntry("version", "3")
                .doesNotContainKey("customer:email");
        assertThat(profile(seed)).containsEntry("customer:tier", "silver").containsEntry("customer:op", "r");

        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ, Duration.ofSeconds(3));
            ConsumerRecord<byte[], byte[]> refused = dead.stream()
                    .filter(r -> r.key() != null && badKey.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
            assertThat(KafkaEvents.header(refused, "dead-letter-reason")).contains("op: must be c, u, d or r");
            assertThat(KafkaEvents.header(refused, "dead-letter-function")).isEqualTo("customer");
            assertThat(KafkaEvents.header(refused, "dead-letter-offset")).isEqualTo("502");
            assertThat(dead).noneMatch(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(new String(key(seed), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aDeleteThatFailsWhileRedisIsDownIsRetriedBeforeTheChangesAfterIt() {
        String ann = "c-" + newId();
        KafkaBatchEvents.msk()
                .record(TOPIC, 0, 600, key(ann), bytes(sample("customers-insert.json", ann)), Map.of())
                .invoke().statusCode(200).body("batchItemFailures", empty());

        infrastructure.redis().stop();
        try {
            KafkaBatchEvents.msk()
                    .record(TOPIC, 0, 601, key(ann), bytes(sample("customers-delete.json", ann)), Map.of())
                    .record(TOPIC, 0, 602, key(ann), null, Map.of())
                    .invoke()
                    .statusCode(200)
                    .body("batchItemFailures.itemIdentifier.offset", equalTo(List.of(601, 602)));
        } finally {
            infrastructure.redis().restart();
        }

        KafkaBatchEvents.msk()
                .record(TOPIC, 0, 601, key(ann), bytes(sample("customers-delete.json", ann)), Map.of())
                .record(TOPIC, 0, 602, key(ann), null, Map.of())
                .invoke().statusCode(200).body("batchItemFailures", empty());
        assertThat((Long) RedisCommands.call(infrastructure.redis().uri(), "EXISTS", "profile:{" + ann + "}")).isZero();
        assertThat((Long) RedisCommands.call(infrastructure.redis().uri(), "EXISTS", "profile:{" + ann + "}:erased")).isEqualTo(1L);
    }

    /** A copy of a captured sample with before.id and after.id (where present) replaced by {@code id}. */
    static ObjectNode sample(String name, String id) {
        ObjectNode change = (ObjectNode) Fixtures.json("debezium/" + name);
        for (String side : List.of("before", "after")) {
            if (change.get(side) instanceof ObjectNode row) {
                row.put("id", id);
            }
        }
        return change;
    }

    /** The change as the JSON converter writes it with schemas.enable=true. */
    static ObjectNode wrapped(ObjectNode change) {
        ObjectNode envelope = CloudEvents.JSON.createObjectNode();
        envelope.putObject("schema").put("type", "struct").put("name", "spike.public.customers.Envelope");
        envelope.set("payload", change);
        return envelope;
    }

    /** The key Debezium writes for a row: its primary key as JSON. */
    static byte[] key(String id) {
        return KafkaBatchEvents.bytes("{\"id\":\"" + id + "\"}");
    }

    static byte[] bytes(ObjectNode change) {
        return KafkaBatchEvents.bytes(json(change));
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }
}
