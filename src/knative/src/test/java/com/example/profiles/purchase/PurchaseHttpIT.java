package com.example.profiles.purchase;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static com.example.profiles.testing.CloudEvents.postStructured;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The purchase function over HTTP CloudEvents (the Knative path), against a real Redis. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class PurchaseHttpIT {

    @InjectInfrastructure
    Infrastructure infrastructure;

    /**
     * Redis refusing us a command (an ACL changed under the application) is the store not serving
     * us, like an outage: 503, retried, nothing written, never a dead letter; also when the refusal
     * comes from inside the script (a key the script writes is not ours to write).
     */
    @Test
    void aPermissionRedisRefusesIsRetriedNotDeadLettered() {
        String user = "perm-" + newId();
        String eventId = newId();
        Map<String, Object> order = Purchases.order(user, "o-perm", "EUR");
        order.put("occurredAt", Instant.now().minusSeconds(5).toString());
        for (String[] refusal : List.of(new String[] { "-evalsha", "-eval" }, new String[] { "resetkeys", "%R~*" })) {
            acl(refusal);
            try {
                postBinary(PURCHASE_TYPE, eventId, "/test/checkout", null, json(order)).statusCode(503);
            } finally {
                acl("+evalsha", "+eval", "resetkeys", "~*");
            }
            assertThat(profileHash(user)).as(String.join(" ", refusal)).isEmpty();
        }
        postBinary(PURCHASE_TYPE, eventId, "/test/checkout", null, json(order)).statusCode(200).body("profileVersion", equalTo(1));
    }

    private void acl(String... rules) {
        List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", "default"));
        command.addAll(List.of(rules));
        RedisCommands.call(infrastructure.redis().uri(), command.toArray(String[]::new));
    }

    @Test
    void binaryModePurchaseWritesEveryProfileFieldExactly() {
        String user = "bin-" + newId();
        Instant occurred = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> order = Purchases.order(user, "o-1", "EUR");
        order.put("occurredAt", occurred.toString());
        long before = System.currentTimeMillis();

        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", null, json(order))
                .statusCode(200)
                .body("duplicate", equalTo(false))
                .body("profileVersion", equalTo(1))
                .body("userId", equalTo(user));

        long after = System.currentTimeMillis();
        Map<String, String> profile = profileHash(user);
        long writtenAt = Long.parseLong(profile.remove("src:purchase:written_at"));
        assertThat(writtenAt).isBetween(before, after);
        String at = Long.toString(occurred.toEpochMilli());
        assertThat(profile).isEqualTo(Map.of(
                "version", "1",
                "purchase:count", "1",
                "purchase:spend_minor", "13499",
                "purchase:last_at", at,
                "purchase:last_order", "o-1",
                "affinity:shoes:count", "5",
                "affinity:shoes:spend_minor", "11500",
                "affinity:apparel:count", "1",
                "affinity:apparel:spend_minor", "1999",
                "src:purchase:event_at", at));
        assertThat(recentSkus(user)).containsExactly("SHIRT-7", at, "SHOE-1", at, "SHOE-2", at);
    }

    @Test
    void structuredModePurchaseInForeignCurrencyUsesTheCloudEventTime() {
        String user = "struct-" + newId();
        Instant time = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);

        postStructured(PURCHASE_TYPE, newId(), "/test/checkout", time, Purchases.order(user, "o-usd", "USD"))
                .statusCode(200)
                .body("data.duplicate", equalTo(false))
                .body("data.profileVersion", equalTo(1));

        Map<String, String> profile = profileHash(user);
        String at = Long.toString(time.toEpochMilli());
        // USD at 0.92 EUR: 134.99 -> 124.1908 -> 12419 cents; lines 115.00 -> 10580, 19.99 -> 1839.
        assertThat(profile).containsEntry("purchase:spend_minor", "12419")
                .containsEntry("affinity:shoes:spend_minor", "10580")
                .containsEntry("affinity:apparel:spend_minor", "1839")
                .containsEntry("purchase:last_at", at)
                .containsEntry("src:purchase:event_at", at)
                .containsEntry("purchase:count", "1");
    }

    @Test
    void aRedeliveredEventIsAppliedOnceAndThenReportedAsDuplicate() {
        String user = "dup-" + newId();
        String id = newId();
        String data = json(Purchases.order(user, "o-dup", "EUR"));
        Instant time = Instant.now();

        postBinary(PURCHASE_TYPE, id, "/test/checkout", time, data).statusCode(200).body("duplicate", equalTo(false));
        postBinary(PURCHASE_TYPE, id, "/test/checkout", time, data).statusCode(200).body("duplicate", equalTo(true)).body("profileVersion", equalTo(1));
        postBinary(PURCHASE_TYPE, id, "/test/checkout", time, data).statusCode(200).body("duplicate", equalTo(true)).body("profileVersion", equalTo(1));

        assertThat(profileHash(user)).containsEntry("purchase:count", "1").containsEntry("purchase:spend_minor", "13499").containsEntry("version", "1");
        assertThat(RedisCommands.call(redis(), "ZCARD", "profile:{" + user + "}:applied")).isEqualTo(1L);

        // The same id from another source is another event (CloudEvents: source + id identify it).
        postBinary(PURCHASE_TYPE, id, "/test/other-shop", time, data).statusCode(200).body("duplicate", equalTo(false));
        assertThat(profileHash(user)).containsEntry("purchase:count", "2").containsEntry("version", "2");
    }

    static Stream<Arguments> invalidOrders() {
        List<Arguments> cases = new ArrayList<>();
        for (String field : List.of("userId", "orderId", "currency", "items", "total")) {
            cases.add(Arguments.of("missing " + field, field, (Consumer<Map<String, Object>>) o -> o.remove(field)));
        }
        cases.add(Arguments.of("negative quantity", "items[0].quantity", change(o -> {
            item(o).put("quantity", -2);
            o.put("total", new BigDecimal("34.99"));
        })));
        cases.add(Arguments.of("zero quantity", "items[0].quantity", change(o -> item(o).put("quantity", 0))));
        cases.add(Arguments.of("fractional quantity", "items[0].quantity", change(o -> item(o).put("quantity", 1.5))));
        cases.add(Arguments.of("negative price", "items[0].unitPrice", change(o -> item(o).put("unitPrice", new BigDecimal("-1")))));
        cases.add(Arguments.of("unknown currency", "currency", change(o -> o.put("currency", "XYZ"))));
        cases.add(Arguments.of("currency without a configured rate", "currency", change(o -> o.put("currency", "NOK"))));
        cases.add(Arguments.of("lowercase currency", "currency", change(o -> o.put("currency", "eur"))));
        cases.add(Arguments.of("total not the sum of the lines", "total", change(o -> o.put("total", new BigDecimal("134.98")))));
        cases.add(Arguments.of("total finer than a cent", "total", change(o -> o.put("total", new BigDecimal("134.985")))));
        cases.add(Arguments.of("user id with a hash-tag brace", "userId", change(o -> o.put("userId", "a}b"))));
        cases.add(Arguments.of("blank sku", "items[0].sku", change(o -> item(o).put("sku", " "))));
        cases.add(Arguments.of("category with a colon", "items[0].category", change(o -> item(o).put("category", "a:b"))));
        cases.add(Arguments.of("no items", "items", change(o -> o.put("items", List.of()))));
        cases.add(Arguments.of("occurred far in the future", "occurredAt",
                change(o -> o.put("occurredAt", Instant.now().plus(1, ChronoUnit.HOURS).toString()))));
        cases.add(Arguments.of("more items than allowed", "items", change(o -> {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                items.add(Purchases.item("S" + i, "c", 1, BigDecimal.ONE));
            }
            o.put("items", items);
            o.put("total", new BigDecimal("101"));
        })));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOrders")
    void anInvalidOrderIsRefusedWith400NamingTheFieldAndChangesNothing(String name, String field, Consumer<Map<String, Object>> breakIt) {
        String user = "inv-" + newId();
        // A profile that exists already, to show an invalid event leaves it exactly as it was.
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", Instant.now(), json(Purchases.order(user, "o-ok", "EUR"))).statusCode(200);
        Map<String, String> before = profileHash(user);
        List<Object> skusBefore = recentSkus(user);

        Map<String, Object> order = Purchases.order(user, "o-bad", "EUR");
        breakIt.accept(order);
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", Instant.now(), json(order))
                .statusCode(400)
                .body("error", equalTo("invalid event"))
                .body("violations.field", hasItem(field));

        assertThat(profileHash(user)).isEqualTo(before);
        assertThat(recentSkus(user)).isEqualTo(skusBefore);
        if (!field.equals("userId") && order.get("userId") != null) {
            assertThat(RedisCommands.call(redis(), "ZCARD", "profile:{" + user + "}:applied")).isEqualTo(1L);
        }
    }

    @Test
    void malformedJsonIsRefusedWith400AndWritesNothing() {
        String user = "malformed-" + newId();
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", Instant.now(), "{\"userId\": \"" + user + "\", \"items\": [")
                .statusCode(400)
                .body("violations.message", hasItem(org.hamcrest.Matchers.startsWith("is not valid JSON: it ends too early (line 1, column")));
        assertThat(RedisCommands.call(redis(), "EXISTS", "profile:{" + user + "}")).isEqualTo(0L);
    }

    @Test
    void anEventWithoutDataIsRefusedWith400NotA500() {
        given().header("ce-specversion", "1.0").header("ce-id", newId()).header("ce-source", "/test").header("ce-type", PURCHASE_TYPE)
                .contentType("application/json").body("").post("/")
                .then().statusCode(400).body("violations.field", hasItem("data"));
        given().contentType("application/cloudevents+json")
                .body("{\"specversion\":\"1.0\",\"id\":\"" + newId() + "\",\"source\":\"/test\",\"type\":\"" + PURCHASE_TYPE + "\"}")
                .post("/").then().statusCode(400);
        // A Debezium tombstone forwarded over HTTP (no data) is a normal message for the customer function.
        given().header("ce-specversion", "1.0").header("ce-id", newId()).header("ce-source", "/test")
                .header("ce-type", "com.example.customers.changed.v1").body("").post("/")
                .then().statusCode(200).body("status", equalTo("IGNORED"));
    }

    @Test
    void anOversizedBodyIsRefusedWith400BeforeItIsRead() {
        String user = "big-" + newId();
        Map<String, Object> order = Purchases.order(user, "o-big", "EUR");
        order.put("padding", "x".repeat(70_000));
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", Instant.now(), json(order))
                .statusCode(400)
                .body("violations.field", hasItem("event"));
        assertThat(RedisCommands.call(redis(), "EXISTS", "profile:{" + user + "}")).isEqualTo(0L);
    }

    @Test
    void theProfileCanBeReadBackWithItsFreshness() {
        String user = "read-" + newId();
        Instant time = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", time, json(Purchases.order(user, "o-r", "EUR"))).statusCode(200);

        given().get("/profiles/" + user).then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("currency", equalTo("EUR"))
                .body("purchases.count", equalTo(1))
                .body("purchases.spendMinor", equalTo(13499))
                .body("purchases.lastPurchaseAt", equalTo(time.toEpochMilli()))
                .body("categoryAffinity.shoes.count", equalTo(5))
                .body("recentSkus.sku", hasItem("SHOE-2"))
                .body("freshness.purchase.eventAt", equalTo(time.toEpochMilli()));
        given().get("/profiles/nobody-" + newId()).then().statusCode(404);
        given().get("/profiles/{id}", "not}valid").then().statusCode(400);
    }

    private static Consumer<Map<String, Object>> change(Consumer<Map<String, Object>> change) {
        return change;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> item(Map<String, Object> order) {
        return (Map<String, Object>) ((List<Object>) order.get("items")).get(0);
    }

    private String redis() {
        return infrastructure.redis().uri();
    }

    private Map<String, String> profileHash(String user) {
        return new java.util.HashMap<>(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}")));
    }

    @SuppressWarnings("unchecked")
    private List<Object> recentSkus(String user) {
        return (List<Object>) RedisCommands.call(redis(), "ZRANGE", "profile:{" + user + "}:recent-skus", "0", "-1", "WITHSCORES");
    }
}
