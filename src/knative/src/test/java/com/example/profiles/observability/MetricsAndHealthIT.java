package com.example.profiles.observability;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.example.profiles.core.ProfileMetrics;
import com.example.profiles.core.RetryReason;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Outcomes and freshness at /q/metrics, Redis and Kafka at /q/health, and every metric the Grafana
 * dashboard (infra/grafana/profile-functions.json) queries among those /q/metrics exports.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class MetricsAndHealthIT {

    @InjectInfrastructure
    Infrastructure infrastructure;

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

    @Inject
    ProfileMetrics profileMetrics;

    /**
     * A panel whose metric was renamed or dropped would show nothing, quietly: every metric a
     * dashboard query names must be in this application's exposition. Some meters are made at their
     * first use, so first an event is applied, a sweep runs (the sweeper's gauges and timer), a
     * record is dead-lettered on Kafka, and one retry is counted through {@link ProfileMetrics#retry}, the call every binding makes (under a function
     * name of its own, so no other test's count moves; a real outage is RedisOutageIT's part, and
     * DashboardQueriesIT runs every query against a real Prometheus).
     */
    @Test
    void everyMetricTheDashboardQueriesIsExported() {
        String order = "{\"userId\":\"dashboard-" + newId() + "\",\"orderId\":\"o-d\",\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"A\",\"category\":\"books\",\"quantity\":1,\"unitPrice\":2}],\"total\":2}";
        postBinary(PURCHASE_TYPE, newId(), "/test/metrics", Instant.now(), order).statusCode(200);
        postBinary("dev.knative.sources.ping", newId(), "/test/metrics", null, "{\"reason\":\"scheduled\"}").statusCode(200);
        profileMetrics.retry("metrics-check", PURCHASE_TYPE, "http", RetryReason.STORE_UNAVAILABLE);
        // A record the purchase consumer refuses: the dead-letter counter is made at the first one.
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            kafka.sendBinary("commerce.purchase.completed.v1", "dashboard", PURCHASE_TYPE, newId(), "/test/metrics", Instant.now(),
                    order.replace("\"quantity\":1", "\"quantity\":-1"));
        }
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> metrics().contains("profile_dead_letters_total{"));

        Set<String> exported = new TreeSet<>();
        metrics().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> exported.add(line.split("[{ ]", 2)[0]));
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (DashboardQueries.Query query : DashboardQueries.all()) {
            for (String metric : DashboardQueries.metricNames(query.expr())) {
                named++;
                if (!exported.contains(metric) && !DashboardQueries.PROMETHEUS_OWN.contains(metric)) {
                    missing.add(query + ": " + metric);
                }
            }
        }
        assertThat(named).as("metrics the dashboard names").isGreaterThanOrEqualTo(DashboardQueries.all().size());
        assertThat(missing).as("dashboard queries naming a metric /q/metrics does not export").isEmpty();
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
