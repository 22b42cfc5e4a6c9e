package com.example.profiles.hostile;

import static com.example.profiles.hostile.HostileHttp.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.testing.RedisSnapshot;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The limits that keep a profile's numbers exact (profiles.limits.*), reached the way a shopper
 * would reach them, and the update scripts' rule that they check everything before their first
 * write: an event the profile cannot take is refused (422) with nothing written, a retry is
 * refused again (never a duplicate), the profile stays readable, and a script that fails inside
 * Redis is answered as what it is (500), not as "store unavailable" (503), with nothing written.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ProfileLimitsIT {

    /** The largest amount one order or line may be: 10^13 minor units. */
    static final String MAX_AMOUNT = "100000000000.00";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void largeOrdersAddUpToTheSpendLimitExactlyAndTheNextIsRefusedWithNothingWritten() {
        String user = "limit-spend-" + newId().substring(0, 8);
        for (int i = 0; i < 100; i++) {
            purchase(user, "o-" + i, MAX_AMOUNT).then().statusCode(200);
        }
        Map<String, String> full = RedisSnapshot.ofUser(redis(), user);
        assertThat(profile(user)).containsEntry("purchase:count", "100").containsEntry("purchase:spend_minor", "1000000000000000")
                .containsEntry("affinity:bullion:spend_minor", "1000000000000000").containsEntry("affinity:bullion:count", "100");

        String id = newId();
        String order = order(user, "o-over", "0.01");
        for (int attempt = 0; attempt < 2; attempt++) {
            // A retry of the refused event is refused again: it was not recorded as applied.
            Response refused = HostileHttp.binary(HostileData.PURCHASE_TYPE, order, id).post("/");
            refused.then().statusCode(422)
                    .body("violations.field", hasItem("total"))
                    .body("violations[0].message", containsString("would take the profile's lifetime spend past 10000000000000.00 EUR"));
            assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(full);
        }
        given().get("/profiles/" + user).then().statusCode(200).body("purchases.spendMinor", equalTo(1_000_000_000_000_000L))
                .body("purchases.count", equalTo(100));
    }

    @Test
    void theCartOfTheIssueIsRefusedAndTheProfileStaysReadable() {
        String user = "limit-cart-" + newId().substring(0, 8);
        cart(user, "SOCK", "1", "7.50").then().statusCode(200);
        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);
        cart(user, "SOCK", "100000", "999999999999.9999").then().statusCode(400).body("violations.field", hasItem("unitPrice"));
        cart(user, "LAMP", "100000", "99999999.99").then().statusCode(400).body("violations.field", hasItem("quantity"));
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
        given().get("/profiles/" + user).then().statusCode(200).body("cart.valueMinor", equalTo(750));
    }

    @Test
    void cartLinesAddUpToTheCartLimitExactlyAndTheNextIsRefused() {
        String user = "limit-cart-value-" + newId().substring(0, 8);
        for (int i = 0; i < 100; i++) {
            cart(user, "GOLD-" + i, "1", MAX_AMOUNT).then().statusCode(200);
        }
        Map<String, String> full = RedisSnapshot.ofUser(redis(), user);
        assertThat(profile(user)).containsEntry("cart:value_minor", "1000000000000000").containsEntry("cart:items", "100");
        cart(user, "GOLD-100", "1", "0.01").then().statusCode(422).body("violations.field", hasItem("cart"))
                .body("violations[0].message", containsString("would make the cart worth more than"));
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(full);
        given().get("/profiles/" + user).then().statusCode(200).body("cart.valueMinor", equalTo(1_000_000_000_000_000L))
                .body("cart.lines.size()", equalTo(100));
    }

    @Test
    void aCartLineHoldsAtMostOneHundredThousandUnits() {
        String user = "limit-line-" + newId().substring(0, 8);
        cart(user, "SOCK", "99999", "7.50").then().statusCode(200);
        cart(user, "SOCK", "1", "7.50").then().statusCode(200);
        Map<String, String> full = RedisSnapshot.ofUser(redis(), user);
        cart(user, "SOCK", "1", "7.50").then().statusCode(422).body("violations.field", hasItem("quantity"))
                .body("violations[0].message", equalTo("would put more than 100000 units of one SKU in the cart"));
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(full);
    }

    @Test
    void aScriptThatFailsInsideRedisIsA500NotA503AndWritesNothing() {
        // Stored data a script cannot work with, each found in the script's reading phase.
        String counted = "script-count-" + newId().substring(0, 8);
        purchase(counted, "o-1", "10.00").then().statusCode(200);
        RedisCommands.call(redis(), "HSET", "profile:{" + counted + "}", "purchase:count", "not a number");
        assertFailsAndWritesNothing(counted, () -> purchase(counted, "o-2", "10.00"));

        String carted = "script-cart-" + newId().substring(0, 8);
        cart(carted, "SOCK", "1", "7.50").then().statusCode(200);
        RedisCommands.call(redis(), "HSET", "profile:{" + carted + "}", "cart:base", "{not json");
        assertFailsAndWritesNothing(carted, () -> cart(carted, "HAT", "1", "25.00"));

        String recent = "script-recent-" + newId().substring(0, 8);
        purchase(recent, "o-1", "10.00").then().statusCode(200);
        RedisCommands.call(redis(), "DEL", "profile:{" + recent + "}:recent-skus");
        RedisCommands.call(redis(), "SET", "profile:{" + recent + "}:recent-skus", "a string where a sorted set belongs");
        assertFailsAndWritesNothing(recent, () -> purchase(recent, "o-2", "10.00"));
    }

    private void assertFailsAndWritesNothing(String user, java.util.function.Supplier<Response> send) {
        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);
        Response answer = send.get();
        answer.then().statusCode(500).body("error", equalTo("the profile script failed inside Redis; nothing was written"));
        assertThat(answer.getHeader("Retry-After")).isNull();
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
    }

    private static String order(String user, String orderId, String amount) {
        return HostileData.purchase(user, orderId).set("items", "[" + HostileData.item("BAR", "bullion", "1", amount) + "]").set("total", amount)
                .toString();
    }

    private static Response purchase(String user, String orderId, String amount) {
        return HostileHttp.binary(HostileData.PURCHASE_TYPE, order(user, orderId, amount)).post("/");
    }

    private static Response cart(String user, String sku, String quantity, String unitPrice) {
        return HostileHttp.binary(HostileData.CART_TYPE, HostileData.cart(user, "cart-1").set("sku", RawJson.str(sku)).set("quantity", quantity)
                .set("unitPrice", unitPrice).toString()).post("/");
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}"));
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
