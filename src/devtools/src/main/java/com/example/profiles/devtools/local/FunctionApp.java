package com.example.profiles.devtools.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The running function app over HTTP: where events are posted, profiles read and metrics scraped. */
final class FunctionApp {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern METRIC_LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json;
    private final String baseUrl;

    /** A Kafka outcome counter of one function: applied, duplicate, invalid, failed. */
    record Outcomes(Map<String, Double> byOutcome) {
        double get(String outcome) {
            return byOutcome.getOrDefault(outcome, 0.0);
        }
    }

    FunctionApp(ObjectMapper json, String baseUrl) {
        this.json = json;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Posts the event in binary mode (attributes as ce- headers, data as body). */
    HttpResponse<String> post(ObjectNode event) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/"))
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", BinaryMode.contentType(event))
                .POST(HttpRequest.BodyPublishers.ofByteArray(BinaryMode.data(json, event)));
        BinaryMode.attributes(event).forEach((name, value) -> request.header("ce-" + name, value));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The freshness page, {@code GET /freshness}, as it answered. */
    HttpResponse<String> freshnessPage() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/freshness")).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The profile, or null for 404; anything else is a problem. */
    JsonNode profile(String user) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(baseUrl + "/profiles/" + URLEncoder.encode(user, StandardCharsets.UTF_8))).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /profiles/" + user + " answered " + response.statusCode() + ": "
                    + ReplayLog.abbreviate(response.body()));
        }
        return json.readTree(response.body());
    }

    /** The Kafka-trigger outcome counters of one function, from /q/metrics. */
    Outcomes kafkaOutcomes(String function) throws IOException, InterruptedException {
        Map<String, Double> counts = new HashMap<>();
        for (String line : metricLines()) {
            Matcher m = METRIC_LINE.matcher(line);
            if (!m.find() || !m.group(1).equals("profile_events_total") || m.group(2) == null) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            if (function.equals(labels.get("function")) && "kafka".equals(labels.get("trigger"))) {
                counts.merge(labels.getOrDefault("outcome", "?"), Double.parseDouble(m.group(3)), Double::sum);
            }
        }
        return new Outcomes(counts);
    }

    /** The lines of /q/metrics, without its comments. */
    List<String> metricLines() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .timeout(HTTP_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /q/metrics answered " + response.statusCode());
        }
        return response.body().lines().filter(l -> !l.startsWith("#")).toList();
    }
}
