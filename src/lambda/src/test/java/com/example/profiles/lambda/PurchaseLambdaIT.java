package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The purchase function as a Lambda behind a Kafka event source mapping, invoked through Quarkus's
 * mock Lambda event server with MSK and self-managed Kafka batches, against a real Redis (profiles)
 * and a real Kafka broker (the dead-letter topic).
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Purchase.class)
@WithTestResource(RealInfrastructure.class)
class PurchaseLambdaIT {

    static final String TOPIC = "commerce.purchase.completed.v1";
    static final String DLQ = "commerce.purchase.completed.v1.dlq";

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
    void aMixedBatchAppliesValidRecordsOnceDeadLettersInvalidOnesAndFailsNothing() {
        String ann = "lam-ann-" + newId();
        String bob = "lam-bob-" + newId();
        String cid = "lam-cid-" + newId();
        String annEvent = newId();
        String badEvent = newId();
        String garbageKey = "garbage-" + newId();
        Instant time = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> bad = order(bob, "o-bad");
        bad.put("total", new BigDecimal("1.00"));

        KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 100, ann, PURCHASE_TYPE, annEvent, "/test/lambda", time, json(order(ann, "o-1")))
                .binary(TOPIC, 0, 101, ann, PURCHASE_TYPE, annEvent, "/test/lambda", time, json(order(ann, "o-1"))) // re-delivered
                .binary(TOPIC, 0, 102, bob, PURCHASE_TYPE, badEvent, "/test/lambda", time, json(bad))
                .structured(TOPIC, 0, 103, bob, CloudEvents.structured(PURCHASE_TYPE, newId(), "/test/lambda", time, order(bob, "o-2")))
                .record(TOPIC, 0, 104, KafkaBatchEvents.bytes(garbageKey), KafkaBatchEvents.bytes("not an event"), Map.of())
                .binary(TOPIC, 1, 7, cid, PURCHASE_TYPE, newId(), "/test/lambda", time, json(order(cid, "o-3")))
                .invoke()
                .statusCode(200)
                .body("batchItemFailures", empty());

        assertThat(profile(ann)).containsEntry("purchase:count", "1").containsEntry("purchase:spend_minor", "13499")
                .containsEntry("purchase:last_at", Long.toString(time.toEpochMilli())).containsEntry("version", "1");
        assertThat(profile(bob)).containsEntry("purchase:count", "1").containsEntry("purchase:last_order", "o-2");
        assertThat(profile(cid)).containsEntry("purchase:count", "1");

        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ, Duration.ofSeconds(3));
        ConsumerRecord<byte[], byte[]> invalid = dead.stream().filter(r -> badEvent.equals(KafkaEvents.header(r, "ce_id"))).findFirst().orElseThrow();
        assertThat(KafkaEvents.header(invalid, "dead-letter-reason")).contains("total: is 1.00 but the lines add up to 134.99");
        assertThat(KafkaEvents.header(invalid, "dead-letter-function")).isEqualTo("purchase");
        assertThat(KafkaEvents.header(invalid, "dead-letter-topic")).isEqualTo(TOPIC);
        assertThat(KafkaEvents.header(invalid, "dead-letter-partition")).isEqualTo("0");
        assertThat(KafkaEvents.header(invalid, "dead-letter-offset")).isEqualTo("102");
        assertThat(new String(invalid.key(), StandardCharsets.UTF_8)).isEqualTo(bob);
        assertThat(new String(invalid.value(), StandardCharsets.UTF_8)).isEqualTo(json(bad));

        ConsumerRecord<byte[], byte[]> garbage = dead.stream()
                .filter(r -> r.key() != null && garbageKey.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
        assertThat(KafkaEvents.header(garbage, "dead-letter-reason")).contains("is not a CloudEvent");
        assertThat(KafkaEvents.header(garbage, "dead-letter-offset")).isEqualTo("104");
        assertThat(new String(garbage.value(), StandardCharsets.UTF_8)).isEqualTo("not an event");
    }

    @Test
    void whenRedisIsDownTheFailedRecordAndTheRestOfItsPartitionAreReportedAndTheRetryAppliesThemInOrder() {
        String ann = "lam-out-" + newId();
        String first = newId();
        String second = newId();
        String invalidBefore = newId();
        String invalidAfter = newId();
        String otherPartition = newId();
        Instant t1 = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        Instant t2 = t1.plusSeconds(10);
        Map<String, Object> bad = order(ann, "o-bad");
        bad.put("currency", "XXX");

        infrastructure.redis().stop();
        try {
            KafkaBatchEvents.msk()
                    .binary(TOPIC, 0, 10, ann, PURCHASE_TYPE, invalidBefore, "/test/lambda", t1, json(bad))
                    .binary(TOPIC, 0, 11, ann, PURCHASE_TYPE, first, "/test/lambda", t1, json(order(ann, "o-first")))
                    .binary(TOPIC, 0, 12, ann, PURCHASE_TYPE, second, "/test/lambda", t2, json(order(ann, "o-second")))
                    .binary(TOPIC, 0, 13, ann, PURCHASE_TYPE, invalidAfter, "/test/lambda", t2, json(bad))
                    .binary(TOPIC, 1, 50, "k", PURCHASE_TYPE, otherPartition, "/test/lambda", t1, json(bad))
                    .invoke()
                    .statusCode(200)
                    // the failed record and every later one of its partition, nothing of partition 1
                    .body("batchItemFailures.itemIdentifier.partition", equalTo(List.of(TOPIC + "-0", TOPIC + "-0", TOPIC + "-0")))
                    .body("batchItemFailures.itemIdentifier.offset", equalTo(List.of(11, 12, 13)));
        } finally {
            infrastructure.redis().restart();
        }

        // Invalid records before the failure (and in other partitions) are dead-lettered; the one
        // after it was not even tried.
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ, Duration.ofSeconds(3));
        assertThat(dead).anyMatch(r -> invalidBefore.equals(KafkaEvents.header(r, "ce_id")));
        assertThat(dead).anyMatch(r -> otherPartition.equals(KafkaEvents.header(r, "ce_id")));
        assertThat(dead).noneMatch(r -> invalidAfter.equals(KafkaEvents.header(r, "ce_id")));

        // The event source mapping delivers again from the first failed offset; Redis is back (empty,
        // as after a failover without persistence). A second copy of the first event rides along.
        KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 11, ann, PURCHASE_TYPE, first, "/test/lambda", t1, json(order(ann, "o-first")))
                .binary(TOPIC, 0, 12, ann, PURCHASE_TYPE, second, "/test/lambda", t2, json(order(ann, "o-second")))
                .binary(TOPIC, 0, 13, ann, PURCHASE_TYPE, invalidAfter, "/test/lambda", t2, json(bad))
                .binary(TOPIC, 0, 14, ann, PURCHASE_TYPE, first, "/test/lambda", t1, json(order(ann, "o-first")))
                .invoke()
                .statusCode(200)
                .body("batchItemFailures", empty());

        assertThat(profile(ann))
                .containsEntry("purchase:count", "2")
                .containsEntry("purchase:spend_minor", Long.toString(2 * 13499))
                .containsEntry("purchase:last_order", "o-second")
                .containsEntry("purchase:last_at", Long.toString(t2.toEpochMilli()))
                .containsEntry("version", "2");
        assertThat(kafka.readAll(DLQ, Duration.ofSeconds(2))).anyMatch(r -> invalidAfter.equals(KafkaEvents.header(r, "ce_id")));
    }

    @Test
    void aSelfManagedKafkaBatchWithKeysAndNonAsciiHeadersIsApplied() {
        String user = "lam-smk-" + newId();
        Instant time = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        String source = "/checkout/göteborg";
        KafkaBatchEvents.selfManaged()
                .binary(TOPIC, 3, 900, user, PURCHASE_TYPE, newId(), source, time, json(order(user, "o-smk")))
                .invoke()
                .statusCode(200)
                .body("batchItemFailures", empty());
        assertThat(profile(user)).containsEntry("purchase:count", "1").containsEntry("purchase:last_order", "o-smk");
    }

    @Test
    void theAwsSampleEventIsReadAndItsRecordWhichIsNoCloudEventIsDeadLettered() {
        JsonNode sample = KafkaBatchEvents.awsSample();
        KafkaBatchEvents.invoke(sample.toString()).statusCode(200).body("batchItemFailures", empty());

        assertThat(kafka.readAll(DLQ, Duration.ofSeconds(3))).anyMatch(r -> "mytopic".equals(KafkaEvents.header(r, "dead-letter-topic"))
                && "15".equals(KafkaEvents.header(r, "dead-letter-offset"))
                && "Hello from Kafka !!".equals(new String(r.value(), StandardCharsets.UTF_8)));
    }

    @Test
    void eachInvocationPrintsOneEmfDocumentWithThatInvocationsCountsAndFreshness() throws Exception {
        String user = "lam-emf-" + newId();
        String repeated = newId();
        Instant twoSecondsAgo = Instant.now().minusSeconds(2);
        Map<String, Object> bad = order(user, "o-bad");
        bad.put("items", List.of());

        List<String> first = StandardOutput.emfDocuments(StandardOutput.linesPrintedBy(() -> KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 1, user, PURCHASE_TYPE, repeated, "/test/emf", twoSecondsAgo, json(order(user, "o-1")))
                .binary(TOPIC, 0, 2, user, PURCHASE_TYPE, repeated, "/test/emf", twoSecondsAgo, json(order(user, "o-1")))
                .binary(TOPIC, 1, 1, user + "x", PURCHASE_TYPE, newId(), "/test/emf", twoSecondsAgo, json(order(user + "x", "o-2")))
                .binary(TOPIC, 1, 2, user, PURCHASE_TYPE, newId(), "/test/emf", twoSecondsAgo, json(bad))
                .invoke().statusCode(200)));
        assertThat(first).hasSize(1);
        JsonNode emf = CloudEvents.JSON.readTree(first.get(0));
        JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("ProfileFunctions");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"function\",\"source\"],[\"source\"]]");
        assertThat(directive.path("Metrics").findValuesAsText("Name"))
                .contains("profile_events_applied", "profile_events_invalid", "profile_events_failed", "profile_freshness_lag_p99_ms");
        assertThat(emf.path("_aws").path("Timestamp").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        assertThat(emf.path("function").asText()).isEqualTo("purchase");
        assertThat(emf.path("source").asText()).isEqualTo("purchase");
        assertThat(emf.path("profile_events_applied").asLong()).isEqualTo(2);
        assertThat(emf.path("profile_events_duplicate").asLong()).isEqualTo(1);
        assertThat(emf.path("profile_events_invalid").asLong()).isEqualTo(1);
        assertThat(emf.path("profile_events_failed").asLong()).isZero();
        assertThat(emf.path("profile_freshness_lag_p99_ms").asLong()).isBetween(2_000L, 60_000L);

        // The next invocation reports only its own events, not a running total.
        List<String> second = StandardOutput.emfDocuments(StandardOutput.linesPrintedBy(() -> KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 3, user, PURCHASE_TYPE, newId(), "/test/emf", Instant.now(), json(order(user, "o-3")))
                .invoke().statusCode(200)));
        assertThat(second).hasSize(1);
        JsonNode next = CloudEvents.JSON.readTree(second.get(0));
        assertThat(next.path("profile_events_applied").asLong()).isEqualTo(1);
        assertThat(next.path("profile_events_duplicate").asLong()).isZero();
        assertThat(next.path("profile_events_invalid").asLong()).isZero();
        assertThat(next.path("profile_freshness_lag_p99_ms").asLong()).isLessThan(2_000L);
    }

    static Map<String, Object> order(String userId, String orderId) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", userId);
        order.put("orderId", orderId);
        order.put("currency", "EUR");
        List<Object> items = new ArrayList<>();
        items.add(item("SHOE-1", "shoes", 2, "50.00"));
        items.add(item("SHIRT-7", "apparel", 1, "19.99"));
        items.add(item("SHOE-2", "shoes", 3, "5.00"));
        order.put("items", items);
        order.put("total", new BigDecimal("134.99"));
        return order;
    }

    private static Map<String, Object> item(String sku, String category, int quantity, String unitPrice) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", sku);
        item.put("category", category);
        item.put("quantity", quantity);
        item.put("unitPrice", new BigDecimal(unitPrice));
        return item;
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }
}
