package com.example.profiles.ordering;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.ClusterInfrastructure;
import com.example.profiles.testing.InjectClusterInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealClusterInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The event functions over HTTP against a real 3-master Redis Cluster: every script touches the
 * keys of one slot, scripts reach nodes that never saw them, and an erasure leaves nothing behind
 * on any node.
 */
@LongTest
@QuarkusTest
@WithTestResource(RealClusterInfrastructure.class)
class ClusterFunctionsIT {

    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";
    static final String CUSTOMER_TYPE = "com.example.customers.changed.v1";

    @InjectClusterInfrastructure
    ClusterInfrastructure infrastructure;

    @Test
    void usersOnEveryNodeGetTheirProfilesAndAnErasureLeavesOnlyItsTombstone() {
        String run = newId().substring(0, 8);
        // Enough users that all three masters own some of them.
        for (int i = 0; i < 12; i++) {
            String user = "cl-" + run + "-" + i;
            Instant t = Instant.now().minusSeconds(30);
            postBinary(CART_TYPE, newId(), "/test/cluster", null, json(Map.of("userId", user, "cartId", "c1", "action", "ITEM_ADDED",
                    "sku", "S1", "category", "home", "quantity", 2, "unitPrice", 5, "currency", "EUR", "occurredAt", t.toString())))
                    .statusCode(200).body("status", equalTo("APPLIED"));
            postBinary(PURCHASE_TYPE, newId(), "/test/cluster", null, json(purchase(user, "c1", t.plusSeconds(1)))).statusCode(200)
                    .body("status", equalTo("APPLIED"));
            postBinary(CUSTOMER_TYPE, newId(), "/test/cluster", null, json(change(user, "c", 100 + i, t.plusSeconds(2)))).statusCode(200)
                    .body("status", equalTo("APPLIED"));
            given().get("/profiles/" + user).then().statusCode(200)
                    .body("purchases.count", equalTo(1))
                    .body("cart.status", equalTo("converted"))
                    .body("customer.attributes.tier", equalTo("gold"));
        }
        assertThat(infrastructure.cluster().uris().stream()
                .filter(node -> !((List<?>) RedisCommands.call(node, "KEYS", "profile:{cl-" + run + "-*")).isEmpty()))
                .as("masters holding some of the users").hasSize(3);

        String erased = "cl-" + run + "-0";
        postBinary(CUSTOMER_TYPE, newId(), "/test/cluster", null, json(change(erased, "d", 10_000, Instant.now()))).statusCode(200)
                .body("status", equalTo("ERASED"));
        assertThat(infrastructure.cluster().keys("*{" + erased + "}*")).containsExactly("profile:{" + erased + "}:erased");
        given().get("/profiles/" + erased).then().statusCode(404);
    }

    /**
     * While a slot migrates, every script of a user in it is answered TRYAGAIN (some of the user's
     * keys exist on the source node, others, never written, do not), and the Redis client retries
     * that for about 13 s. Such attempts are retries (in place, on Kafka), never failed events, and
     * once the slot has moved the event is applied exactly once, on the new node.
     */
    @Test
    void anEventDuringASlotMigrationIsRetriedNotFailedAndAppliedOnce() throws InterruptedException {
        String user = "reshard-" + newId().substring(0, 8);
        String key = "profile:{" + user + "}";
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            kafka.sendBinary(PURCHASE_TOPIC, user, PURCHASE_TYPE, newId(), "/test/reshard", Instant.now(), json(purchase(user, "c1", Instant.now())));
            await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(hget(key, "purchase:count")));

            String source = infrastructure.cluster().nodeUriForKey(key);
            String target = infrastructure.cluster().uris().stream().filter(uri -> !uri.equals(source)).findFirst().orElseThrow();
            long slot = (Long) RedisCommands.call(source, "CLUSTER", "KEYSLOT", key);
            String sourceId = (String) RedisCommands.call(source, "CLUSTER", "MYID");
            String targetId = (String) RedisCommands.call(target, "CLUSTER", "MYID");
            RedisCommands.call(target, "CLUSTER", "SETSLOT", Long.toString(slot), "IMPORTING", sourceId);
            RedisCommands.call(source, "CLUSTER", "SETSLOT", Long.toString(slot), "MIGRATING", targetId);

            double retriesBefore = retries();
            double failedBefore = metric(FAILED_ON_KAFKA);
            kafka.sendBinary(PURCHASE_TOPIC, user, PURCHASE_TYPE, newId(), "/test/reshard", Instant.now(),
                    json(purchase(user, "c2", Instant.now())));
            // Longer than one attempt's deadline (profiles.kafka.store-timeout, 5 s).
            await().atMost(Duration.ofSeconds(30)).until(() -> retries() > retriesBefore);
            assertThat(hget(key, "purchase:count")).isEqualTo("1");

            // Finish the move: every key of the slot to the target, then the slot to the target everywhere.
            URI targetUri = URI.create(target);
            List<?> keys = (List<?>) RedisCommands.call(source, "CLUSTER", "GETKEYSINSLOT", Long.toString(slot), "1000");
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", targetUri.getHost(), Integer.toString(targetUri.getPort()), "", "0", "5000", "KEYS"));
            keys.forEach(k -> migrate.add(k.toString()));
            RedisCommands.call(source, migrate.toArray(String[]::new));
            for (String node : infrastructure.cluster().uris()) {
                RedisCommands.call(node, "CLUSTER", "SETSLOT", Long.toString(slot), "NODE", targetId);
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> "2".equals(hget(key, "purchase:count")));
            Thread.sleep(2_000); // a late copy of the attempt the client was still retrying would show now
            assertThat(infrastructure.cluster().nodeUriForKey(key)).isEqualTo(target);
            assertThat(hget(key, "purchase:count")).isEqualTo("2");
            assertThat(metric(FAILED_ON_KAFKA)).isEqualTo(failedBefore);
        }
    }

    private String hget(String key, String field) {
        Object value = RedisCommands.call(infrastructure.cluster().nodeUriForKey(key), "HGET", key, field);
        return value == null ? null : value.toString();
    }

    private static final String PURCHASE_TOPIC = "commerce.purchase.completed.v1";
    private static final String FAILED_ON_KAFKA = "profile_events_total{function=\"purchase\",outcome=\"failed\",trigger=\"kafka\",type=\"" + PURCHASE_TYPE + "\"}";

    /** Retried attempts of the purchase function on Kafka, whatever the reason. */
    private static double retries() {
        String exposition = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return exposition.lines().filter(line -> line.startsWith("profile_event_retries_total{function=\"purchase\"")
                && line.contains("trigger=\"kafka\"")).mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static double metric(String series) {
        String exposition = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return exposition.lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static Map<String, Object> purchase(String user, String cart, Instant at) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-" + user);
        order.put("cartId", cart);
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(Map.of("sku", "S1", "category", "home", "quantity", 2, "unitPrice", 5)));
        order.put("total", 10);
        return order;
    }

    private static Map<String, Object> change(String user, String op, long lsn, Instant at) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user);
        row.put("email", user + "@example.com");
        row.put("tier", "gold");
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("connector", "postgresql");
        source.put("name", "shop");
        source.put("db", "shop");
        source.put("schema", "public");
        source.put("table", "customers");
        source.put("lsn", lsn);
        source.put("txId", lsn);
        source.put("ts_ms", at.toEpochMilli());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("before", op.equals("d") ? row : null);
        envelope.put("after", op.equals("d") ? null : row);
        envelope.put("source", source);
        envelope.put("op", op);
        envelope.put("ts_ms", at.toEpochMilli());
        return envelope;
    }
}
