package com.example.profiles.ordering;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.testing.ClusterInfrastructure;
import com.example.profiles.testing.InjectClusterInfrastructure;
import com.example.profiles.testing.RealClusterInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The event functions over HTTP against a real 3-master Redis Cluster: every script touches the
 * keys of one slot, scripts reach nodes that never saw them, and an erasure leaves nothing behind
 * on any node.
 */
@QuarkusTest
@Tag("knative")
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
