package com.example.profiles.cart;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static com.example.profiles.testing.CloudEvents.postStructured;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The cart function over HTTP CloudEvents (the Knative path) and its Kafka topic, against a real
 * Redis and Kafka: every action's effect on the cart fields, conversion by a purchase, event-time
 * order independence, the read API, and refusal of invalid changes.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class CartIT {

    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";
    static final String TOPIC = "commerce.cart.changed.v1";
    static final String DLQ = "commerce.cart.changed.v1.dlq";
    static final Duration WAIT = Duration.ofSeconds(20);

    @InjectInfrastructure
    Infrastructure infrastructure;

    // --- each action, field by field

    @Test
    void itemAddedWritesEveryCartFieldAndAddingTheSameSkuAgainAccumulates() {
        String user = "cart-add-" + newId();
        Instant t1 = past(60);
        Instant t2 = t1.plusSeconds(5);

        post(change(user, "c-1", "ITEM_ADDED", "SHOE-1", "shoes", 2, "49.95", "EUR", t1))
                .statusCode(200)
                .body("status", equalTo("APPLIED"))
                .body("duplicate", equalTo(false))
                .body("profileVersion", equalTo(1))
                .body("userId", equalTo(user));

        Map<String, String> profile = profileHash(user);
        assertThat(profile)
                .containsEntry("cart:id", "c-1")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:items", "2")
                .containsEntry("cart:value_minor", "9990")
                .containsEntry("cart:updated_at", millis(t1))
                .containsEntry("cart:order", "")
                .containsEntry("src:cart:event_at", millis(t1))
                .containsEntry("version", "1");
        assertThat(lines(profile)).isEqualTo(parse("{\"SHOE-1\":{\"q\":2,\"p\":4995,\"c\":\"shoes\"}}"));

        post(change(user, "c-1", "ITEM_ADDED", "SHOE-1", "shoes", 1, "49.95", "EUR", t2)).statusCode(200);

        profile = profileHash(user);
        assertThat(profile)
                .containsEntry("cart:id", "c-1")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:items", "3")
                .containsEntry("cart:value_minor", "14985")
                .containsEntry("cart:updated_at", millis(t2))
                .containsEntry("src:cart:event_at", millis(t2))
                .containsEntry("version", "2");
        assertThat(lines(profile)).isEqualTo(parse("{\"SHOE-1\":{\"q\":3,\"p\":4995,\"c\":\"shoes\"}}"));
    }

    @Test
    void aForeignCurrencyUnitPriceIsConvertedHalfEvenPerUnit() {
        String user = "cart-usd-" + newId();
        Instant t1 = past(60);
        // 10.375 USD x 0.92 = 9.545 EUR: half-even per unit gives 9.54 (half-up would give 9.55), and
        // the line is 2 x 954 = 1908 (converting the line total 20.75 USD would give 19.09 = 1909).
        post(change(user, "c-usd", "ITEM_ADDED", "SOCK-9", "apparel", 2, "10.375", "USD", t1)).statusCode(200);
        Map<String, String> profile = profileHash(user);
        assertThat(profile)
                .containsEntry("cart:value_minor", "1908")
                .containsEntry("cart:items", "2")
                .containsEntry("cart:status", "active");
        assertThat(lines(profile)).isEqualTo(parse("{\"SOCK-9\":{\"q\":2,\"p\":954,\"c\":\"apparel\"}}"));

        // Added to a cart holding EUR lines: the value is the sum over lines of quantity x unit price.
        post(change(user, "c-usd", "ITEM_ADDED", "HAT-1", "accessories", 3, "12.10", "EUR", t1.plusSeconds(1))).statusCode(200);
        profile = profileHash(user);
        assertThat(profile)
                .containsEntry("cart:value_minor", Long.toString(1908 + 3 * 1210))
                .containsEntry("cart:items", "5")
                .containsEntry("cart:updated_at", millis(t1.plusSeconds(1)));
        assertThat(lines(profile)).isEqualTo(parse(
                "{\"SOCK-9\":{\"q\":2,\"p\":954,\"c\":\"apparel\"},\"HAT-1\":{\"q\":3,\"p\":1210,\"c\":\"accessories\"}}"));
    }

    @Test
    void itemRemovedAndQuantitySetChangeOnlyTheirLineAndQuantityZeroRemovesIt() {
        String user = "cart-set-" + newId();
        Instant t = past(120);
        post(change(user, "c-2", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t)).statusCode(200);
        post(change(user, "c-2", "ITEM_ADDED", "B", "games", 1, "5.50", "EUR", t.plusSeconds(1))).statusCode(200);

        post(change(user, "c-2", "ITEM_REMOVED", "A", null, null, null, null, t.plusSeconds(2))).statusCode(200);
        Map<String, String> profile = profileHash(user);
        assertThat(lines(profile)).isEqualTo(parse("{\"B\":{\"q\":1,\"p\":550,\"c\":\"games\"}}"));
        assertThat(profile)
                .containsEntry("cart:items", "1")
                .containsEntry("cart:value_minor", "550")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:updated_at", millis(t.plusSeconds(2)))
                .containsEntry("src:cart:event_at", millis(t.plusSeconds(2)));

        // QUANTITY_SET replaces the line's quantity (and takes the price it carries).
        post(change(user, "c-2", "QUANTITY_SET", "B", "games", 5, "6.00", "EUR", t.plusSeconds(3))).statusCode(200);
        profile = profileHash(user);
        assertThat(lines(profile)).isEqualTo(parse("{\"B\":{\"q\":5,\"p\":600,\"c\":\"games\"}}"));
        assertThat(profile)
                .containsEntry("cart:items", "5")
                .containsEntry("cart:value_minor", "3000")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:updated_at", millis(t.plusSeconds(3)));

        // QUANTITY_SET to 0 needs no price and removes the line: the cart is empty.
        post(change(user, "c-2", "QUANTITY_SET", "B", null, 0, null, null, t.plusSeconds(4))).statusCode(200);
        profile = profileHash(user);
        assertThat(lines(profile)).isEqualTo(parse("{}"));
        assertThat(profile)
                .containsEntry("cart:id", "c-2")
                .containsEntry("cart:items", "0")
                .containsEntry("cart:value_minor", "0")
                .containsEntry("cart:status", "empty")
                .containsEntry("cart:updated_at", millis(t.plusSeconds(4)))
                .containsEntry("src:cart:event_at", millis(t.plusSeconds(4)))
                .containsEntry("version", "5");
    }

    @Test
    void cartClearedEmptiesTheCart() {
        String user = "cart-clear-" + newId();
        Instant t = past(60);
        post(change(user, "c-3", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t)).statusCode(200);
        post(change(user, "c-3", "ITEM_ADDED", "B", "games", 1, "5.50", "EUR", t.plusSeconds(1))).statusCode(200);

        post(change(user, "c-3", "CART_CLEARED", null, null, null, null, null, t.plusSeconds(2)))
                .statusCode(200)
                .body("status", equalTo("APPLIED"));
        Map<String, String> profile = profileHash(user);
        assertThat(lines(profile)).isEqualTo(parse("{}"));
        assertThat(profile)
                .containsEntry("cart:id", "c-3")
                .containsEntry("cart:status", "empty")
                .containsEntry("cart:items", "0")
                .containsEntry("cart:value_minor", "0")
                .containsEntry("cart:updated_at", millis(t.plusSeconds(2)))
                .containsEntry("src:cart:event_at", millis(t.plusSeconds(2)));
    }

    @Test
    void aNewCartIdReplacesTheOldCart() {
        String user = "cart-new-" + newId();
        Instant t = past(60);
        post(change(user, "c-old", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t)).statusCode(200);
        post(change(user, "c-old", "ITEM_ADDED", "B", "games", 1, "5.50", "EUR", t.plusSeconds(1))).statusCode(200);

        post(change(user, "c-new", "ITEM_ADDED", "C", "toys", 4, "2.25", "EUR", t.plusSeconds(2))).statusCode(200);
        Map<String, String> profile = profileHash(user);
        assertThat(lines(profile)).isEqualTo(parse("{\"C\":{\"q\":4,\"p\":225,\"c\":\"toys\"}}"));
        assertThat(profile)
                .containsEntry("cart:id", "c-new")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:items", "4")
                .containsEntry("cart:value_minor", "900")
                .containsEntry("cart:updated_at", millis(t.plusSeconds(2)));
    }

    @Test
    void structuredModeTakesTheCloudEventTimeWhenTheDataHasNone() {
        String user = "cart-struct-" + newId();
        Instant time = past(30);
        postStructured(CART_TYPE, newId(), "/test/cart", time, change(user, "c-s", "ITEM_ADDED", "A", "books", 1, "3.00", "EUR", null))
                .statusCode(200)
                .body("data.status", equalTo("APPLIED"));
        assertThat(profileHash(user))
                .containsEntry("cart:updated_at", millis(time))
                .containsEntry("src:cart:event_at", millis(time))
                .containsEntry("cart:value_minor", "300");
    }

    // --- conversion by a purchase

    @Test
    void aPurchaseOfTheLiveCartConvertsIt() {
        String user = "cart-conv-" + newId();
        Instant t = past(60);
        post(change(user, "c-live", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t)).statusCode(200);
        post(change(user, "c-live", "ITEM_ADDED", "B", "games", 1, "5.50", "EUR", t.plusSeconds(1))).statusCode(200);

        Instant bought = t.plusSeconds(10);
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", null, json(purchase(user, "o-77", "c-live", bought)))
                .statusCode(200)
                .body("status", equalTo("APPLIED"));

        Map<String, String> profile = profileHash(user);
        assertThat(lines(profile)).isEqualTo(parse("{}"));
        assertThat(profile)
                .containsEntry("cart:id", "c-live")
                .containsEntry("cart:status", "converted")
                .containsEntry("cart:order", "o-77")
                .containsEntry("cart:items", "0")
                .containsEntry("cart:value_minor", "0")
                .containsEntry("cart:updated_at", millis(bought))
                .containsEntry("src:cart:event_at", millis(bought))
                .containsEntry("purchase:count", "1");

        given().get("/profiles/" + user).then()
                .statusCode(200)
                .body("cart.status", equalTo("converted"))
                .body("cart.convertedOrderId", equalTo("o-77"))
                .body("cart.itemCount", equalTo(0));
    }

    @Test
    void aPurchaseOfAnotherCartLeavesTheLiveCartAlone() {
        String user = "cart-other-" + newId();
        Instant t = past(60);
        post(change(user, "c-live", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t)).statusCode(200);
        Map<String, Object> before = cartFields(profileHash(user));

        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", null, json(purchase(user, "o-88", "c-other", t.plusSeconds(10))))
                .statusCode(200)
                .body("status", equalTo("APPLIED"));

        Map<String, String> profile = profileHash(user);
        assertThat(profile).containsEntry("purchase:count", "1");
        assertThat(lines(profile)).isEqualTo(parse("{\"A\":{\"q\":2,\"p\":1000,\"c\":\"books\"}}"));
        assertThat(profile)
                .containsEntry("cart:id", "c-live")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:order", "")
                .containsEntry("cart:items", "2")
                .containsEntry("cart:value_minor", "2000");
        // Nothing happened to this cart, so it was not updated either.
        assertThat(cartFields(profile)).isEqualTo(before);
        assertThat(profile).containsEntry("cart:updated_at", millis(t)).containsEntry("src:cart:event_at", millis(t));
    }

    // --- order independence

    @Test
    void theSameOperationsInAnyArrivalOrderGiveTheSameCart() {
        Instant t0 = past(300);
        List<Map<String, Object>> ops = new ArrayList<>();
        // Event times one second apart, all inside the lateness window (10 minutes).
        ops.add(op("c-first", "ITEM_ADDED", "X", "misc", 1, "1.00", "EUR", t0));
        ops.add(op("c-main", "ITEM_ADDED", "A", "books", 1, "10.00", "EUR", t0.plusSeconds(1)));
        ops.add(op("c-main", "ITEM_ADDED", "B", "apparel", 2, "10.375", "USD", t0.plusSeconds(2)));
        ops.add(op("c-main", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t0.plusSeconds(3)));
        ops.add(op("c-main", "QUANTITY_SET", "B", "apparel", 1, "10.375", "USD", t0.plusSeconds(4)));
        ops.add(op("c-main", "ITEM_ADDED", "C", "toys", 1, "7.00", "EUR", t0.plusSeconds(5)));
        ops.add(op("c-main", "ITEM_REMOVED", "C", null, null, null, null, t0.plusSeconds(6)));
        ops.add(op("c-main", "ITEM_ADDED", "D", "toys", 4, "0.99", "EUR", t0.plusSeconds(7)));
        ops.add(op("c-main", "QUANTITY_SET", "D", "toys", 2, "0.99", "EUR", t0.plusSeconds(8)));
        ops.add(op("c-main", "ITEM_ADDED", "E", "games", 1, "20.00", "EUR", t0.plusSeconds(9)));
        ops.add(op("c-main", "QUANTITY_SET", "E", null, 0, null, null, t0.plusSeconds(10)));

        String inOrder = "cart-ord-" + newId();
        String reversed = "cart-rev-" + newId();
        String shuffled = "cart-shuf-" + newId();
        sendAll(inOrder, ops);
        List<Map<String, Object>> backwards = new ArrayList<>(ops);
        Collections.reverse(backwards);
        sendAll(reversed, backwards);
        List<Map<String, Object>> mixed = new ArrayList<>(ops);
        Collections.shuffle(mixed, new Random(20261126L));
        assertThat(mixed).isNotEqualTo(ops).isNotEqualTo(backwards);
        sendAll(shuffled, mixed);

        Map<String, String> expected = profileHash(inOrder);
        assertThat(lines(expected)).isEqualTo(parse(
                "{\"A\":{\"q\":3,\"p\":1000,\"c\":\"books\"},\"B\":{\"q\":1,\"p\":954,\"c\":\"apparel\"},\"D\":{\"q\":2,\"p\":99,\"c\":\"toys\"}}"));
        assertThat(expected)
                .containsEntry("cart:id", "c-main")
                .containsEntry("cart:status", "active")
                .containsEntry("cart:items", "6")
                .containsEntry("cart:value_minor", Long.toString(3 * 1000 + 954 + 2 * 99))
                .containsEntry("cart:updated_at", millis(t0.plusSeconds(10)))
                .containsEntry("src:cart:event_at", millis(t0.plusSeconds(10)));

        for (String other : List.of(reversed, shuffled)) {
            Map<String, String> actual = profileHash(other);
            assertThat(lines(actual)).as("lines of " + other).isEqualTo(lines(expected));
            for (String field : List.of("cart:id", "cart:status", "cart:items", "cart:value_minor", "cart:updated_at", "cart:order",
                    "src:cart:event_at")) {
                assertThat(actual.get(field)).as(field + " of " + other).isEqualTo(expected.get(field));
            }
        }
    }

    // --- the read API

    @Test
    void theProfileReadApiShowsTheCartAndItsFreshness() {
        String user = "cart-read-" + newId();
        Instant t = past(30);
        post(change(user, "c-read", "ITEM_ADDED", "SHOE-2", "shoes", 2, "10.375", "USD", t)).statusCode(200);
        post(change(user, "c-read", "ITEM_ADDED", "BOOK-1", "books", 1, "12.50", "EUR", t.plusSeconds(1))).statusCode(200);

        given().get("/profiles/" + user).then()
                .statusCode(200)
                .body("userId", equalTo(user))
                .body("cart.cartId", equalTo("c-read"))
                .body("cart.status", equalTo("active"))
                .body("cart.lines.sku", contains("BOOK-1", "SHOE-2"))
                .body("cart.lines.quantity", contains(1, 2))
                .body("cart.lines.unitPriceMinor", contains(1250, 954))
                .body("cart.lines.category", contains("books", "shoes"))
                .body("cart.itemCount", equalTo(3))
                .body("cart.valueMinor", equalTo(1250 + 2 * 954))
                .body("cart.updatedAt", equalTo(t.plusSeconds(1).toEpochMilli()))
                .body("cart.convertedOrderId", nullValue())
                .body("freshness.cart.eventAt", equalTo(t.plusSeconds(1).toEpochMilli()));
    }

    // --- invalid changes

    static Stream<Arguments> invalidChanges() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("ITEM_ADDED without sku", "sku", edit(c -> c.remove("sku"))));
        cases.add(Arguments.of("ITEM_ADDED with quantity 0", "quantity", edit(c -> c.put("quantity", 0))));
        cases.add(Arguments.of("QUANTITY_SET without quantity", "quantity", edit(c -> {
            c.put("action", "QUANTITY_SET");
            c.remove("quantity");
        })));
        // Values Jackson cannot bind at all are reported on "data" (as for a purchase's fractional
        // quantity), the message naming the offending value.
        cases.add(Arguments.of("unknown action ITEM_STOLEN", "action", edit(c -> c.put("action", "ITEM_STOLEN"))));
        cases.add(Arguments.of("quantity as a string", "quantity", edit(c -> c.put("quantity", "two"))));
        cases.add(Arguments.of("negative unitPrice", "unitPrice", edit(c -> c.put("unitPrice", new BigDecimal("-1.00")))));
        cases.add(Arguments.of("currency XYZ", "currency", edit(c -> c.put("currency", "XYZ"))));
        cases.add(Arguments.of("missing cartId", "cartId", edit(c -> c.remove("cartId"))));
        cases.add(Arguments.of("missing userId", "userId", edit(c -> c.remove("userId"))));
        cases.add(Arguments.of("a 100,000-element array as sku (oversize)", "event", edit(c -> c.put("sku", new int[100_000]))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidChanges")
    void anInvalidChangeIsRefusedWith400NamingTheFieldAndChangesNothing(String name, String field, Consumer<Map<String, Object>> breakIt) {
        String user = "cart-inv-" + newId();
        Instant t = past(60);
        post(change(user, "c-inv", "ITEM_ADDED", "A", "books", 2, "10.00", "EUR", t)).statusCode(200);
        Map<String, String> before = profileHash(user);
        List<Object> logBefore = cartLog(user);

        Map<String, Object> bad = change(user, "c-inv", "ITEM_ADDED", "B", "games", 1, "5.00", "EUR", t.plusSeconds(1));
        breakIt.accept(bad);
        var response = post(bad)
                .statusCode(400)
                .body("error", equalTo("invalid event"))
                .body("violations.field", hasItem(field));
        if (name.contains("ITEM_STOLEN") || name.contains("as a string")) {
            // Unreadable values are named by their own field and what was expected, never by the value
            // (it could be personal data; the dead-letter reason travels in headers and logs).
            String offending = name.contains("ITEM_STOLEN") ? "ITEM_STOLEN" : "two";
            String expected = name.contains("ITEM_STOLEN") ? "must be one of [ITEM_ADDED, ITEM_REMOVED, QUANTITY_SET, CART_CLEARED]"
                    : "must be a whole number";
            response.body("violations.find { it.field == '" + field + "' }.message", equalTo(expected));
            response.body("violations.message", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.not(
                    org.hamcrest.Matchers.containsString(offending))));
        }

        assertThat(profileHash(user)).isEqualTo(before);
        assertThat(cartLog(user)).isEqualTo(logBefore);
        assertThat(RedisCommands.call(redis(), "ZCARD", "profile:{" + user + "}:applied")).isEqualTo(1L);
    }

    // --- the Kafka trigger

    @Test
    void aKafkaRecordUpdatesTheCart() {
        String user = "cart-kafka-" + newId();
        Instant t = past(20);
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            kafka.sendBinary(TOPIC, user, CART_TYPE, newId(), "/test/kafka", null,
                    json(change(user, "c-k", "ITEM_ADDED", "A", "books", 3, "2.50", "EUR", t)));

            await().atMost(WAIT).until(() -> profileHash(user).containsKey("cart:id"));
            Map<String, String> profile = profileHash(user);
            assertThat(lines(profile)).isEqualTo(parse("{\"A\":{\"q\":3,\"p\":250,\"c\":\"books\"}}"));
            assertThat(profile)
                    .containsEntry("cart:id", "c-k")
                    .containsEntry("cart:status", "active")
                    .containsEntry("cart:items", "3")
                    .containsEntry("cart:value_minor", "750")
                    .containsEntry("cart:updated_at", millis(t))
                    .containsEntry("src:cart:event_at", millis(t));
        }
    }

    @Test
    void anInvalidKafkaRecordIsDeadLetteredWithItsReasonAndTheNextRecordIsApplied() {
        String user = "cart-kbad-" + newId();
        String badId = newId();
        Instant t = past(20);
        Map<String, Object> bad = change(user, "c-k", "ITEM_ADDED", null, "books", 1, "2.50", "EUR", t);
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            kafka.sendBinary(TOPIC, user, CART_TYPE, badId, "/test/kafka", null, json(bad));
            kafka.sendBinary(TOPIC, user, CART_TYPE, newId(), "/test/kafka", null,
                    json(change(user, "c-k", "ITEM_ADDED", "GOOD", "books", 1, "2.50", "EUR", t.plusSeconds(1))));

            await().atMost(WAIT).until(() -> profileHash(user).containsKey("cart:id"));
            Map<String, String> profile = profileHash(user);
            assertThat(lines(profile)).isEqualTo(parse("{\"GOOD\":{\"q\":1,\"p\":250,\"c\":\"books\"}}"));
            assertThat(profile).containsEntry("version", "1");

            ConsumerRecord<byte[], byte[]> dead = await().atMost(WAIT).until(
                    () -> kafka.readAll(DLQ, Duration.ofMillis(500)).stream().filter(r -> badId.equals(KafkaEvents.header(r, "ce_id")))
                            .findFirst().orElse(null),
                    r -> r != null);
            assertThat(KafkaEvents.header(dead, "dead-letter-reason")).contains("sku: is required for ITEM_ADDED");
            assertThat(KafkaEvents.header(dead, "dead-letter-violations")).contains("\"field\":\"sku\"");
            assertThat(KafkaEvents.header(dead, "dead-letter-function")).isEqualTo("cart");
            assertThat(KafkaEvents.header(dead, "dead-letter-topic")).isEqualTo(TOPIC);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(json(bad));
            assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(user);
        }
    }

    // --- helpers

    /** Cart change data as a producer would send it; null values are left out. */
    static Map<String, Object> change(String user, String cartId, String action, String sku, String category, Integer quantity,
            String unitPrice, String currency, Instant occurredAt) {
        Map<String, Object> change = op(cartId, action, sku, category, quantity, unitPrice, currency, occurredAt);
        Map<String, Object> withUser = new LinkedHashMap<>();
        withUser.put("userId", user);
        withUser.putAll(change);
        return withUser;
    }

    private static Map<String, Object> op(String cartId, String action, String sku, String category, Integer quantity, String unitPrice,
            String currency, Instant occurredAt) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("cartId", cartId);
        change.put("action", action);
        putIfPresent(change, "sku", sku);
        putIfPresent(change, "category", category);
        putIfPresent(change, "quantity", quantity);
        putIfPresent(change, "unitPrice", unitPrice == null ? null : new BigDecimal(unitPrice));
        putIfPresent(change, "currency", currency);
        putIfPresent(change, "occurredAt", occurredAt == null ? null : occurredAt.toString());
        return change;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** A completed order of 2 x 10.00 EUR from the given cart. */
    static Map<String, Object> purchase(String user, String orderId, String cartId, Instant occurredAt) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "A");
        item.put("category", "books");
        item.put("quantity", 2);
        item.put("unitPrice", new BigDecimal("10.00"));
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", orderId);
        order.put("cartId", cartId);
        order.put("occurredAt", occurredAt.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(item));
        order.put("total", new BigDecimal("20.00"));
        return order;
    }

    private void sendAll(String user, List<Map<String, Object>> ops) {
        for (Map<String, Object> op : ops) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("userId", user);
            change.putAll(op);
            post(change).statusCode(200).body("status", equalTo("APPLIED"));
        }
    }

    private static io.restassured.response.ValidatableResponse post(Map<String, Object> change) {
        return postBinary(CART_TYPE, newId(), "/test/cart", null, json(change));
    }

    private static Consumer<Map<String, Object>> edit(Consumer<Map<String, Object>> edit) {
        return edit;
    }

    /** A time in the recent past, whole milliseconds (as stored). */
    private static Instant past(long seconds) {
        return Instant.now().minusSeconds(seconds).truncatedTo(ChronoUnit.MILLIS);
    }

    private static String millis(Instant time) {
        return Long.toString(time.toEpochMilli());
    }

    private static JsonNode parse(String json) {
        try {
            return CloudEvents.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static JsonNode lines(Map<String, String> profile) {
        assertThat(profile).containsKey("cart:lines");
        return parse(profile.get("cart:lines"));
    }

    /**
     * The cart fields readers see, lines parsed (cart:base is the script's own bookkeeping), plus
     * the cart's freshness.
     */
    private static Map<String, Object> cartFields(Map<String, String> profile) {
        Map<String, Object> cart = new HashMap<>();
        profile.forEach((field, value) -> {
            if (field.equals("cart:lines")) {
                cart.put(field, parse(value));
            } else if ((field.startsWith("cart:") && !field.equals("cart:base")) || field.equals("src:cart:event_at")) {
                cart.put(field, value);
            }
        });
        return cart;
    }

    private String redis() {
        return infrastructure.redis().uri();
    }

    private Map<String, String> profileHash(String user) {
        return new HashMap<>(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}")));
    }

    @SuppressWarnings("unchecked")
    private List<Object> cartLog(String user) {
        return (List<Object>) RedisCommands.call(redis(), "ZRANGE", "profile:{" + user + "}:cart-log", "0", "-1", "WITHSCORES");
    }
}
