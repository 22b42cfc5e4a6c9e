package com.example.profiles.observability;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static com.example.profiles.observability.PrometheusServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The freshness-lag alert end to end: a real Prometheus server (the {@code prometheus} binary of
 * Debian's package) scrapes the running application's {@code /q/metrics} with the project's rules
 * from infra/prometheus/alerts.yml; purchases whose event time is ten minutes old make the p99 lag of
 * source purchase exceed the threshold the application exports (from functions/purchase/function.json);
 * the alert is seen firing (with its runbook) through Prometheus's HTTP API, and resolving once the
 * slow events have left the rule's window.
 *
 * <p>To run in seconds rather than minutes, the rules are loaded with their windows shortened
 * ({@link PrometheusServer}). Scrape and evaluation every second. Without the prometheus binary the
 * test says so in one line and is skipped.
 */
@LongTest
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class PrometheusAlertIT {

    static final Path PURCHASE_DESCRIPTOR = ProjectRoot.resolve("functions/purchase/function.json");
    static final String ALERT = "ProfileFreshnessLagHigh";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSlowSourceFiresTheLagAlertInPrometheusAndItResolves(@TempDir Path dir) throws Exception {
        Path binary = PrometheusServer.binary();
        if (binary == null) {
            System.out.println("[alert test] skipped: the prometheus binary is not installed (apt-get install prometheus), so the alert cannot be checked end to end");
        }
        Assumptions.assumeTrue(binary != null, "the prometheus binary is not installed (apt-get install prometheus)");

        try (PrometheusServer prometheus = PrometheusServer.start(binary, dir, RestAssured.port)) {
            // Prometheus scrapes the app and sees the threshold the descriptor gives.
            double threshold = JSON.readTree(PURCHASE_DESCRIPTOR.toFile()).path("settings").path("freshnessLagP99ThresholdSeconds").asDouble();
            assertThat(threshold).isPositive();
            await("the threshold scraped from the app", Duration.ofSeconds(60),
                    () -> prometheus.query("profile_freshness_lag_threshold_seconds{source=\"purchase\"}"),
                    result -> result.size() == 1 && result.get(0).path("value").path(1).asDouble() == threshold);
            // Slow events of earlier tests in this application may still be in the window.
            await("no lag alert before the test", Duration.ofSeconds(60), () -> lagAlerts(prometheus, "purchase"), List::isEmpty);

            Instant tenMinutesAgo = Instant.now().minus(10, ChronoUnit.MINUTES);
            for (int i = 0; i < 3; i++) {
                purchase(tenMinutesAgo);
            }

            List<JsonNode> firing = await("the lag alert firing", Duration.ofSeconds(60), () -> lagAlerts(prometheus, "purchase"),
                    alerts -> alerts.stream().anyMatch(a -> a.path("state").asText().equals("firing")));
            JsonNode alert = firing.get(0);
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
            assertThat(alert.path("annotations").path("summary").asText()).startsWith("p99 freshness lag of purchase is ");
            assertThat(alert.path("annotations").path("runbook_url").asText()).isEqualTo("docs/runbooks/profile-freshness-lag-high.md");
            assertThat(alert.path("value").asDouble()).isGreaterThan(threshold);

            // No more slow events: once they leave the window, the alert resolves.
            await("the lag alert resolved", Duration.ofSeconds(90), () -> lagAlerts(prometheus, "purchase"), List::isEmpty);
            JsonNode rule = await("the rule inactive", Duration.ofSeconds(10), () -> lagRule(prometheus),
                    r -> r.path("state").asText().equals("inactive"));
            assertThat(rule.path("alerts")).isEmpty();
        }
    }

    /** The lag alerts of one source Prometheus holds now (pending or firing). */
    private static List<JsonNode> lagAlerts(PrometheusServer prometheus, String source) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode alert : prometheus.api("/api/v1/alerts").path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals(ALERT) && alert.path("labels").path("source").asText().equals(source)) {
                alerts.add(alert);
            }
        }
        return alerts;
    }

    private static JsonNode lagRule(PrometheusServer prometheus) throws Exception {
        for (JsonNode group : prometheus.api("/api/v1/rules?type=alert").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("name").asText().equals(ALERT)) {
                    return rule;
                }
            }
        }
        throw new IllegalStateException(ALERT + " is not loaded");
    }

    private static void purchase(Instant at) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", "prom-" + newId());
        order.put("orderId", "o-1");
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(Map.of("sku", "A", "category", "books", "quantity", 1, "unitPrice", 5)));
        order.put("total", 5);
        postBinary(PURCHASE_TYPE, newId(), "/test/prometheus", null, json(order)).statusCode(200);
    }
}
