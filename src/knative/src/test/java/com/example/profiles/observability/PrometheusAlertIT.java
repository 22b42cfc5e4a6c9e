package com.example.profiles.observability;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
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
 * the alert is seen firing through Prometheus's HTTP API, and resolving once the slow events have
 * left the rule's window.
 *
 * <p>To run in seconds rather than minutes, the rules are loaded with their windows shortened: every
 * {@code [5m]} range becomes {@code [20s]} and every {@code for:} becomes 3 s; the expressions,
 * labels and annotations are the project's own (promtool's unit tests in PrometheusRulesTest check
 * the real durations). Scrape and evaluation every second. Without the prometheus binary the test
 * says so in one line and is skipped.
 */
@LongTest
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class PrometheusAlertIT {

    static final Path RULES = ProjectRoot.resolve("infra/prometheus/alerts.yml");
    static final Path PURCHASE_DESCRIPTOR = ProjectRoot.resolve("functions/purchase/function.json");
    static final String ALERT = "ProfileFreshnessLagHigh";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String prometheusUrl;

    @Test
    void aSlowSourceFiresTheLagAlertInPrometheusAndItResolves(@TempDir Path dir) throws Exception {
        Path binary = onPath("prometheus");
        if (binary == null) {
            System.out.println("[alert test] skipped: the prometheus binary is not installed (apt-get install prometheus), so the alert cannot be checked end to end");
        }
        Assumptions.assumeTrue(binary != null, "the prometheus binary is not installed (apt-get install prometheus)");

        Process prometheus = start(binary, dir);
        try {
            // Prometheus scrapes the app and sees the threshold the descriptor gives.
            double threshold = JSON.readTree(PURCHASE_DESCRIPTOR.toFile()).path("settings").path("freshnessLagP99ThresholdSeconds").asDouble();
            assertThat(threshold).isPositive();
            await("the threshold scraped from the app", Duration.ofSeconds(60),
                    () -> query("profile_freshness_lag_threshold_seconds{source=\"purchase\"}"),
                    result -> result.size() == 1 && result.get(0).path("value").path(1).asDouble() == threshold);
            // Slow events of earlier tests in this application may still be in the window.
            await("no lag alert before the test", Duration.ofSeconds(60), () -> lagAlerts("purchase"), List::isEmpty);

            Instant tenMinutesAgo = Instant.now().minus(10, ChronoUnit.MINUTES);
            for (int i = 0; i < 3; i++) {
                purchase(tenMinutesAgo);
            }

            List<JsonNode> firing = await("the lag alert firing", Duration.ofSeconds(60), () -> lagAlerts("purchase"),
                    alerts -> alerts.stream().anyMatch(a -> a.path("state").asText().equals("firing")));
            JsonNode alert = firing.get(0);
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
            assertThat(alert.path("annotations").path("summary").asText()).startsWith("p99 freshness lag of purchase is ");
            assertThat(alert.path("value").asDouble()).isGreaterThan(threshold);

            // No more slow events: once they leave the window, the alert resolves.
            await("the lag alert resolved", Duration.ofSeconds(90), () -> lagAlerts("purchase"), List::isEmpty);
            JsonNode rule = await("the rule inactive", Duration.ofSeconds(10), this::lagRule,
                    r -> r.path("state").asText().equals("inactive"));
            assertThat(rule.path("alerts")).isEmpty();
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts Prometheus on a free loopback port with the rules (short windows) and a scrape of this app. */
    private Process start(Path binary, Path dir) throws Exception {
        String rules = Files.readString(RULES)
                .replace("[5m]", "[20s]")
                .replaceAll("(?m)^(\\s*)for: \\S+$", "$1for: 3s");
        Files.writeString(dir.resolve("alerts.yml"), rules);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - alerts.yml
                scrape_configs:
                  - job_name: profile-functions
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(RestAssured.port));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Process process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus-" + attempt + ".log").toFile())
                    .start();
            prometheusUrl = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (process.isAlive() && System.nanoTime() < deadline) {
                try {
                    if (get("/-/ready").statusCode() == 200) {
                        return process;
                    }
                } catch (IOException notYet) {
                    last = notYet;
                }
                Thread.sleep(200);
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // e.g. the port was taken meanwhile: try another
        }
        throw new IllegalStateException("Prometheus did not become ready; see " + dir + "/prometheus-*.log", last);
    }

    /** The lag alerts of one source Prometheus holds now (pending or firing). */
    private List<JsonNode> lagAlerts(String source) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode alert : api("/api/v1/alerts").path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals(ALERT) && alert.path("labels").path("source").asText().equals(source)) {
                alerts.add(alert);
            }
        }
        return alerts;
    }

    private JsonNode lagRule() throws Exception {
        for (JsonNode group : api("/api/v1/rules?type=alert").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("name").asText().equals(ALERT)) {
                    return rule;
                }
            }
        }
        throw new IllegalStateException(ALERT + " is not loaded");
    }

    private List<JsonNode> query(String promql) throws Exception {
        List<JsonNode> result = new ArrayList<>();
        api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result").forEach(result::add);
        return result;
    }

    private JsonNode api(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    interface Read<T> {
        T get() throws Exception;
    }

    /** Polls until the condition holds, then answers the value that met it. */
    private static <T> T await(String what, Duration atMost, Read<T> read, java.util.function.Predicate<T> condition) {
        List<T> seen = new ArrayList<>(1);
        Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            T value = read.get();
            seen.clear();
            seen.add(value);
            return condition.test(value);
        });
        return seen.get(0);
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static Path onPath(String name) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
