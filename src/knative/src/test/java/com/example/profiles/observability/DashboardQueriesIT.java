package com.example.profiles.observability;

import static com.example.profiles.observability.PrometheusServer.await;
import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Every query of the Grafana dashboard (infra/grafana/profile-functions.json) against a real
 * Prometheus ({@link PrometheusServer}: the project's rules, windows shortened) scraping the
 * running application, after the application has been given something to show:
 * <ol>
 * <li>a short Redis outage: a purchase over HTTP answered 503 and one on Kafka retried in place
 * (retries, failed Redis commands), applied once Redis is back;</li>
 * <li>a replay of the samples of {@code functions/{purchase,cart,customer}/samples}, re-stamped to
 * now, alternately over HTTP and through the function's Kafka topic: applied, duplicate and invalid
 * events (dead-lettered on Kafka) of three sources, one cart 40 minutes old, which makes the cart's
 * lag alert fire;</li>
 * <li>a sweep (the sweeper's gauges), then the lag alert seen firing.</li>
 * </ol>
 * Then each target is sent as Grafana would send it ({@code /api/v1/query_range} over the test's
 * span, one-second steps, the template variables filled with the values their {@code label_values}
 * find, {@code $__rate_interval} 10 s) and must answer without error and with at least one finite
 * value, unless it is in {@link #MAY_BE_EMPTY}, which says why. Skipped, in one line, without the
 * prometheus binary.
 */
@LongTest
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class DashboardQueriesIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> EVENT_FUNCTIONS = List.of("purchase", "cart", "customer");
    static final String RATE_INTERVAL = "10s";
    /** Queries the test gives nothing to show, by "panel title refId", with why. */
    static final Map<String, String> MAY_BE_EMPTY = Map.of(
            "Kafka: dead-letter retries and failed rebalances A", "no dead-letter copy is refused by the broker here: the broker never goes away");

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void everyPanelQueryAnswersWithDataAfterAReplay(@TempDir Path dir) throws Exception {
        Path binary = PrometheusServer.binary();
        if (binary == null) {
            System.out.println("[dashboard test] skipped: the prometheus binary is not installed (apt-get install prometheus)");
        }
        Assumptions.assumeTrue(binary != null, "the prometheus binary is not installed (apt-get install prometheus)");

        try (PrometheusServer prometheus = PrometheusServer.start(binary, dir, RestAssured.port);
                KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            await("the app scraped", Duration.ofSeconds(60), () -> prometheus.query("profile_freshness_lag_threshold_seconds"), r -> !r.isEmpty());
            Instant start = Instant.now();

            redisOutage(kafka); // also leaves an empty Redis, so the samples' ids are new to it
            replaySamples(kafka);
            postBinary("dev.knative.sources.ping", newId(), "/test/dashboard", null, "{\"reason\":\"scheduled\"}").statusCode(200);
            await("the cart's lag alert firing", Duration.ofSeconds(60),
                    () -> prometheus.query("ALERTS{alertstate=\"firing\", alertname=\"ProfileFreshnessLagHigh\", source=\"cart\"}"), r -> !r.isEmpty());
            Thread.sleep(2_000); // a last scrape of the sweep's gauges

            Map<String, List<String>> variables = variableValues(prometheus);
            assertThat(variables.get("function")).contains("purchase", "cart", "customer");
            assertThat(variables.get("source")).contains("purchase", "cart", "customer");

            Instant end = Instant.now();
            List<String> problems = new ArrayList<>();
            Map<String, JsonNode> results = new LinkedHashMap<>();
            for (DashboardQueries.Query query : DashboardQueries.all()) {
                String expr = DashboardQueries.substitute(query.expr(), variables, RATE_INTERVAL);
                JsonNode answer = prometheus.answer("/api/v1/query_range?query=" + PrometheusServer.encode(expr) + "&start=" + start.getEpochSecond()
                        + "&end=" + (end.getEpochSecond() + 1) + "&step=1");
                String key = query.panel() + " " + query.refId();
                JsonNode series = answer.path("data").path("result");
                System.out.printf("[dashboard] %-60s %s%n", key, answer.path("status").asText().equals("success")
                        ? series.size() + " series" + (hasFiniteValue(series) ? "" : ", no value") : "error: " + answer.path("error").asText());
                if (!answer.path("status").asText().equals("success")) {
                    problems.add(query + ": " + answer.path("errorType").asText() + ": " + answer.path("error").asText() + " in " + expr);
                } else if (!hasFiniteValue(series) && !MAY_BE_EMPTY.containsKey(key)) {
                    problems.add(query + ": no data in " + expr);
                }
                results.put(key, series);
            }
            assertThat(problems).as("dashboard queries that fail or show nothing after the replay").isEmpty();
            assertThat(MAY_BE_EMPTY.keySet()).as("queries allowed to be empty").isSubsetOf(results.keySet());

            // What the replay sent shows where it should.
            assertThat(labels(results.get("Events by outcome A"), "outcome")).contains("applied", "duplicate", "invalid");
            assertThat(labels(results.get("Refused events A"), "function")).contains("purchase", "cart"); // their invalid samples, dead-lettered
            assertThat(labels(results.get("Retries by reason A"), "reason")).contains("store-unavailable");
            assertThat(labels(results.get("Firing alerts A"), "alertname")).contains("ProfileFreshnessLagHigh");
            assertThat(labels(results.get("Kafka consumer lag A"), "client_id")).contains("kafka-consumer-purchase", "kafka-consumer-customer");
        }
    }

    /**
     * Redis stopped: a purchase over HTTP is answered 503 and a purchase on Kafka is retried in place
     * until Redis is back (restarted empty), then applied.
     */
    private void redisOutage(KafkaEvents kafka) throws Exception {
        String order = json(order("dashboard-outage-" + newId()));
        double appliedOnKafka = kafkaOutcomes("purchase", "applied");
        double retriedOnKafka = metric("profile_event_retries_total", "function=\"purchase\"", "trigger=\"kafka\"");
        infrastructure.redis().stop();
        try {
            postBinary(PURCHASE_TYPE, newId(), "/test/dashboard", Instant.now(), order).statusCode(503);
            kafka.sendBinary(topic("purchase"), "dashboard-outage", PURCHASE_TYPE, newId(), "/test/dashboard", Instant.now(), order);
            await("the Kafka purchase retried", Duration.ofSeconds(30), () -> metric("profile_event_retries_total", "function=\"purchase\"",
                    "trigger=\"kafka\""), retries -> retries > retriedOnKafka);
            Thread.sleep(2_000); // scraped while it waits
        } finally {
            infrastructure.redis().restart();
        }
        await("the Kafka purchase applied", Duration.ofSeconds(30), () -> kafkaOutcomes("purchase", "applied"), n -> n > appliedOnKafka);
    }

    /**
     * The samples of each event function in file-name order, re-stamped so the newest of their times
     * is now (less their {@code replayage}, as the demo's replay does), the 1st, 3rd, ... posted over
     * HTTP (structured mode), the 2nd, 4th, ... through the function's topic (binary mode; a
     * Debezium topic gets the change as the connector writes it); waits until the app has counted an
     * outcome for every Kafka record.
     */
    private void replaySamples(KafkaEvents kafka) throws Exception {
        for (String function : EVENT_FUNCTIONS) {
            JsonNode descriptor = JSON.readTree(ProjectRoot.resolve("functions/" + function + "/function.json").toFile());
            boolean debezium = "debezium-json".equals(descriptor.path("trigger").path("format").asText());
            List<Path> samples;
            try (Stream<Path> files = Files.list(ProjectRoot.resolve("functions/" + function + "/samples"))) {
                samples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            }
            assertThat(samples).as(function + " samples").hasSizeGreaterThanOrEqualTo(4);
            double countedOnKafka = kafkaOutcomes(function, null);
            int sentOnKafka = 0;
            for (int i = 0; i < samples.size(); i++) {
                ObjectNode event = (ObjectNode) JSON.readTree(samples.get(i).toFile());
                restamp(event);
                JsonNode data = event.path("data");
                String user = data.has("userId") ? data.path("userId").asText() : data.path("after").path("id").asText(data.path("before").path("id").asText());
                if (i % 2 == 0) {
                    int status = given().contentType("application/cloudevents+json").body(event.toString()).post("/").then().extract().statusCode();
                    assertThat(status).as(samples.get(i) + " over HTTP").isIn(200, 400);
                } else if (debezium) {
                    kafka.sendRaw(topic(function), json(Map.of("id", user)), JSON.writeValueAsBytes(data));
                    sentOnKafka++;
                } else {
                    kafka.sendBinary(topic(function), user, event.path("type").asText(), event.path("id").asText(), event.path("source").asText(),
                            Instant.parse(event.path("time").asText()), JSON.writeValueAsString(data));
                    sentOnKafka++;
                }
            }
            double expected = countedOnKafka + sentOnKafka;
            await(function + "'s Kafka records counted", Duration.ofSeconds(60), () -> kafkaOutcomes(function, null), n -> n >= expected);
        }
    }

    /** Shifts the event's times by one amount so the newest is now, less its {@code replayage} (a sample meant to look old). */
    static void restamp(ObjectNode event) {
        ObjectNode data = (ObjectNode) event.path("data");
        ObjectNode source = data.path("source") instanceof ObjectNode s ? s : null;
        long newest = Long.MIN_VALUE;
        newest = Math.max(newest, OffsetDateTime.parse(event.path("time").asText()).toInstant().toEpochMilli());
        if (data.has("occurredAt")) {
            newest = Math.max(newest, Instant.parse(data.path("occurredAt").asText()).toEpochMilli());
        }
        if (data.has("ts_ms")) {
            newest = Math.max(newest, data.path("ts_ms").asLong());
        }
        if (source != null && source.has("ts_ms")) {
            newest = Math.max(newest, source.path("ts_ms").asLong());
        }
        Duration age = event.has("replayage") ? Duration.parse(event.path("replayage").asText()) : Duration.ZERO;
        long shift = Instant.now().minus(age).truncatedTo(ChronoUnit.MILLIS).toEpochMilli() - newest;
        event.put("time", Instant.ofEpochMilli(OffsetDateTime.parse(event.path("time").asText()).toInstant().toEpochMilli() + shift).toString());
        if (data.has("occurredAt")) {
            data.put("occurredAt", Instant.parse(data.path("occurredAt").asText()).plusMillis(shift).toString());
        }
        if (data.has("ts_ms")) {
            data.put("ts_ms", data.path("ts_ms").asLong() + shift);
        }
        if (source != null && source.has("ts_ms")) {
            source.put("ts_ms", source.path("ts_ms").asLong() + shift);
        }
    }

    /** The values of each label_values variable, as Grafana finds them: /api/v1/label/{label}/values of the metric. */
    private static Map<String, List<String>> variableValues(PrometheusServer prometheus) throws Exception {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> variable : DashboardQueries.labelValueVariables().entrySet()) {
            List<String> found = new ArrayList<>();
            prometheus.api("/api/v1/label/" + variable.getValue().get(1) + "/values?match[]=" + PrometheusServer.encode(variable.getValue().get(0)))
                    .path("data").forEach(v -> found.add(v.asText()));
            assertThat(found).as("values of $" + variable.getKey()).isNotEmpty();
            values.put(variable.getKey(), found);
        }
        return values;
    }

    private static boolean hasFiniteValue(JsonNode series) {
        for (JsonNode one : series) {
            for (JsonNode point : one.path("values")) {
                double value = Double.parseDouble(point.path(1).asText());
                if (Double.isFinite(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<String> labels(JsonNode series, String label) {
        Set<String> values = new TreeSet<>();
        series.forEach(one -> values.add(one.path("metric").path(label).asText()));
        return values;
    }

    private static String topic(String function) throws Exception {
        return JSON.readTree(ProjectRoot.resolve("functions/" + function + "/function.json").toFile()).path("trigger").path("topic").asText();
    }

    /** The function's Kafka events the app has counted, of one outcome (null: all). */
    private static double kafkaOutcomes(String function, String outcome) {
        return outcome == null ? metric("profile_events_total", "function=\"" + function + "\"", "trigger=\"kafka\"")
                : metric("profile_events_total", "function=\"" + function + "\"", "trigger=\"kafka\"", "outcome=\"" + outcome + "\"");
    }

    /** The sum of the app's samples of {@code name} whose labels include all of {@code labels}. */
    private static double metric(String name, String... labels) {
        String exposition = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return exposition.lines().filter(line -> line.startsWith(name + "{"))
                .filter(line -> Stream.of(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static Map<String, Object> order(String user) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-1");
        order.put("currency", "EUR");
        order.put("items", List.of(Map.of("sku", "A", "category", "books", "quantity", 1, "unitPrice", 5)));
        order.put("total", 5);
        return order;
    }
}
