package com.example.profiles.sweeper;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.profiles.store.Generation;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each alert condition, made true by real events, raises exactly one alert however often it is
 * judged, and exactly one resolved event when it clears. Alerts are CloudEvents on the real
 * alerts topic. Redis is emptied first: the conditions are global.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class FreshnessAlertsIT {

    static final String TOPIC = "profiles.freshness-alerts.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Inject
    FreshnessAlerts alerts;

    @Inject
    LagWindows lagWindows;

    long started;

    @BeforeEach
    void emptyRedis() {
        // Counts this instance gathered during earlier tests go out first, then everything goes.
        lagWindows.flush().await().atMost(Duration.ofSeconds(5));
        RedisCommands.call(infrastructure.redis().uri(), "FLUSHALL");
        started = System.currentTimeMillis();
    }

    @Test
    void aSlowPurchaseRaisesTheLagAlertOnceAndEnoughFastOnesResolveIt() {
        purchase(Instant.now().minus(10, ChronoUnit.MINUTES)); // 10 minutes from event to profile: over the 5-minute p99 threshold
        judgeThreeTimes();
        for (int i = 0; i < 120; i++) {
            purchase(Instant.now()); // now 1 of 121 is slow: under 1%, the p99 is fast again
        }
        judgeThreeTimes();

        assertThat(alertsOf("lag", "purchase")).containsExactly(FreshnessAlerts.RAISED, FreshnessAlerts.RESOLVED);
    }

    @Test
    void aSilentSourceRaisesOnceAndItsNextEventResolves() {
        purchase(Instant.now().minus(20, ChronoUnit.MINUTES)); // the newest purchase is 20 minutes old: silent for over 15
        judgeThreeTimes();
        purchase(Instant.now());
        judgeThreeTimes();

        assertThat(alertsOf("silent", "purchase")).containsExactly(FreshnessAlerts.RAISED, FreshnessAlerts.RESOLVED);
    }

    @Test
    void aHighShareOfStaleCartsRaisesOnceAndFreshCartsResolveIt() {
        cart("a", Instant.now().minus(40, ChronoUnit.MINUTES)); // 1 of 1 carts stale: 100% > 80%
        judgeThreeTimes();
        for (String user : List.of("b", "c", "d", "e")) {
            cart(user, Instant.now());
        }
        judgeThreeTimes(); // 1 of 5 stale: 20% < 80%

        assertThat(alertsOf("stale-share", "cart")).containsExactly(FreshnessAlerts.RAISED, FreshnessAlerts.RESOLVED);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("profile_freshness_condition_value{condition=\"stale-share\",source=\"cart\"} 0.2");
        assertThat(metrics).contains("profile_freshness_alerts_total{condition=\"stale-share\",source=\"cart\",state=\"raised\"}");
    }

    private void judgeThreeTimes() {
        lagWindows.flush().await().atMost(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            alerts.evaluate(Generation.FIRST);
        }
    }

    /**
     * The types of the alerts for this condition sent since the test started, in order. Each is read
     * with the CloudEvents SDK's JSON format, as a consumer of the alerts topic would.
     */
    private List<String> alertsOf(String condition, String source) {
        JsonFormat format = new JsonFormat();
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            return kafka.readAll(TOPIC, Duration.ofSeconds(2)).stream()
                    .filter(r -> r.timestamp() >= started)
                    .peek(r -> assertThat(KafkaEvents.header(r, "content-type")).startsWith("application/cloudevents+json"))
                    .map(r -> format.deserialize(r.value()))
                    .filter(e -> (condition + "/" + source).equals(e.getSubject()))
                    .peek(e -> assertThat(e.getSource()).hasToString("/profiles/sweeper"))
                    .map(CloudEvent::getType)
                    .toList();
        }
    }

    private void purchase(Instant at) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", "alert-" + newId());
        order.put("orderId", "o-1");
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(Map.of("sku", "A", "category", "books", "quantity", 1, "unitPrice", 5)));
        order.put("total", 5);
        postBinary(PURCHASE_TYPE, newId(), "/test/alerts", null, json(order)).statusCode(200);
    }

    private void cart(String user, Instant at) {
        Map<String, Object> change = Map.of("userId", user + "-" + newId(), "cartId", "c", "action", "ITEM_ADDED", "sku", "A", "category", "books",
                "quantity", 1, "unitPrice", 5, "currency", "EUR", "occurredAt", at.toString());
        postBinary("com.example.commerce.cart.changed.v1", newId(), "/test/alerts", null, json(change)).statusCode(200);
    }

}
