package com.example.profiles.ordering;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Events older than their source's newest by more than the lateness bound (10 minutes): applied
 * where that is safe (purchase aggregates add up whatever the order), skipped where it is not (a
 * cart operation whose place in the history has been folded away), and counted as late either way.
 * Inside the bound, an older event is put in its place.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class LatenessIT {

    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";
    static final String LATE_PURCHASES = "profile_events_late_total{function=\"purchase\",type=\"" + PURCHASE_TYPE + "\"}";
    static final String LATE_CARTS = "profile_events_late_total{function=\"cart\",type=\"" + CART_TYPE + "\"}";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void aLatePurchaseStillAddsUpButDoesNotMoveTheLastPurchaseBack() {
        String user = "late-p-" + newId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        double lateBefore = metric(LATE_PURCHASES);
        postBinary(PURCHASE_TYPE, newId(), "/test/late", null, json(order(user, "o-new", now.minusSeconds(60)))).statusCode(200)
                .body("late", equalTo(false));
        postBinary(PURCHASE_TYPE, newId(), "/test/late", null, json(order(user, "o-old", now.minus(30, ChronoUnit.MINUTES)))).statusCode(200)
                .body("status", equalTo("APPLIED"))
                .body("late", equalTo(true));

        Map<String, String> profile = profile(user);
        assertThat(profile).containsEntry("purchase:count", "2").containsEntry("purchase:spend_minor", "2000")
                .containsEntry("purchase:last_order", "o-new")
                .containsEntry("src:purchase:event_at", Long.toString(now.minusSeconds(60).toEpochMilli()));
        assertThat(metric(LATE_PURCHASES) - lateBefore).isEqualTo(1.0);
    }

    @Test
    void anOlderCartChangeInsideTheBoundTakesItsPlaceAndOneBeyondItIsSkipped() {
        String user = "late-c-" + newId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        double lateBefore = metric(LATE_CARTS);
        post(cart(user, "ITEM_ADDED", 2, now.minus(25, ChronoUnit.MINUTES))).body("status", equalTo("APPLIED"));
        // One minute ago: 1 more. The add from 25 minutes ago now lies behind the lateness window and
        // is folded into the cart's base.
        post(cart(user, "ITEM_ADDED", 1, now.minusSeconds(60))).body("status", equalTo("APPLIED"));
        assertThat(profile(user)).containsEntry("cart:items", "3");

        // Five minutes ago the line was set to 10: it arrives last but happened before the add of 1,
        // so the cart is 10 + 1, not 10.
        post(cart(user, "QUANTITY_SET", 10, now.minus(5, ChronoUnit.MINUTES))).body("status", equalTo("APPLIED")).body("late", equalTo(false));
        assertThat(profile(user)).containsEntry("cart:items", "11").containsEntry("cart:value_minor", "11000");

        // From 30 minutes ago: its place is inside the folded history; applying it now would be wrong.
        post(cart(user, "ITEM_ADDED", 7, now.minus(30, ChronoUnit.MINUTES))).body("status", equalTo("STALE")).body("late", equalTo(true));
        assertThat(profile(user)).containsEntry("cart:items", "11")
                .containsEntry("cart:updated_at", Long.toString(now.minusSeconds(60).toEpochMilli()));
        assertThat(metric(LATE_CARTS) - lateBefore).isEqualTo(1.0);
    }

    private static io.restassured.response.ValidatableResponse post(Map<String, Object> cartChange) {
        return postBinary(CART_TYPE, newId(), "/test/late", null, json(cartChange)).statusCode(200);
    }

    private static Map<String, Object> order(String user, String orderId, Instant at) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", orderId);
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", java.util.List.of(Map.of("sku", "A", "category", "books", "quantity", 1, "unitPrice", 10)));
        order.put("total", 10);
        return order;
    }

    private static Map<String, Object> cart(String user, String action, int quantity, Instant at) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("userId", user);
        change.put("cartId", "c-1");
        change.put("action", action);
        change.put("sku", "LAMP");
        change.put("category", "home");
        change.put("quantity", quantity);
        change.put("unitPrice", 10);
        change.put("currency", "EUR");
        change.put("occurredAt", at.toString());
        return change;
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }

    private static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
