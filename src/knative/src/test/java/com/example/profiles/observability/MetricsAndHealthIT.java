package com.example.profiles.observability;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Outcomes and freshness at /q/metrics, Redis and Kafka at /q/health. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class MetricsAndHealthIT {

    static final String APPLIED = "profile_events_total{function=\"purchase\",outcome=\"applied\",trigger=\"http\",type=\"" + PURCHASE_TYPE + "\"}";
    static final String DUPLICATE = APPLIED.replace("applied", "duplicate");
    static final String INVALID = APPLIED.replace("applied", "invalid");
    static final String LAG_COUNT = "profile_freshness_lag_seconds_count{source=\"purchase\"}";

    @Test
    void everyOutcomeAndTheFreshnessLagAreCounted() {
        String before = metrics();
        String user = "metrics-" + newId();
        String id = newId();
        String order = "{\"userId\":\"" + user + "\",\"orderId\":\"o-m\",\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"A\",\"category\":\"books\",\"quantity\":1,\"unitPrice\":12.50}],\"total\":12.50}";
        // The event happened two seconds ago, so its lag is at least two seconds.
        Instant time = Instant.now().minusSeconds(2);
        postBinary(PURCHASE_TYPE, id, "/test/metrics", time, order).statusCode(200);
        postBinary(PURCHASE_TYPE, id, "/test/metrics", time, order).statusCode(200);
        postBinary(PURCHASE_TYPE, newId(), "/test/metrics", time, order.replace("\"total\":12.50", "\"total\":13.50")).statusCode(400);

        String after = metrics();
        assertThat(value(after, APPLIED) - value(before, APPLIED)).isEqualTo(1.0);
        assertThat(value(after, DUPLICATE) - value(before, DUPLICATE)).isEqualTo(1.0);
        assertThat(value(after, INVALID) - value(before, INVALID)).isEqualTo(1.0);
        assertThat(value(after, LAG_COUNT) - value(before, LAG_COUNT)).isEqualTo(1.0);
        assertThat(value(after, "profile_freshness_lag_seconds_max{source=\"purchase\"}")).isGreaterThanOrEqualTo(2.0);
        assertThat(after).contains("profile_freshness_lag_seconds{source=\"purchase\",quantile=\"0.99\"}");
    }

    @Test
    void healthReportsRedisAndKafkaUp() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Redis connection health check", "Kafka connection health check"));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** A sample's value, 0 when the series does not exist yet. */
    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
