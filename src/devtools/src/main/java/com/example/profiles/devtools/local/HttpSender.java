package com.example.profiles.devtools.local;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Sends a sample over HTTP (CloudEvents binary mode) and prints what the app answered. */
final class HttpSender {

    private static final String TRANSPORT = "HTTP";

    private final ObjectMapper json;
    private final FunctionApp app;
    private final ReplayLog log;

    HttpSender(ObjectMapper json, FunctionApp app, ReplayLog log) {
        this.json = json;
        this.app = app;
        this.log = log;
    }

    /** Posts the event in binary mode (attributes as ce- headers, data as body); returns its outcome. */
    String send(Sample sample) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = app.post(sample.event());
        } catch (IOException e) {
            return log.event(sample, TRANSPORT, "failed", "could not reach " + app.baseUrl() + ": " + e);
        }
        String body = response.body();
        if (response.statusCode() == 200) {
            return answered(sample, json.readTree(body), body);
        }
        if (response.statusCode() == 400) {
            return log.event(sample, TRANSPORT, "invalid", violations(json.readTree(body).path("violations")));
        }
        return log.event(sample, TRANSPORT, "failed", "HTTP " + response.statusCode() + ": " + ReplayLog.abbreviate(body));
    }

    private String answered(Sample sample, JsonNode result, String body) {
        if (result.has("data") && result.has("specversion")) {
            result = result.path("data"); // a structured response event
        }
        if (result.has("entriesTouched")) {
            return log.event(sample, TRANSPORT, result.path("ran").asBoolean() ? "swept" : "skipped",
                    "examined " + result.path("entriesTouched").asInt() + " due entries in " + result.path("durationMillis").asLong()
                            + " ms: " + result.path("actions"));
        }
        String status = result.path("status").asText(result.path("duplicate").asBoolean(false) ? "duplicate" : "applied")
                .toLowerCase(Locale.ROOT);
        String late = result.path("late").asBoolean(false) ? " (late: behind the lateness bound)" : "";
        return log.event(sample, TRANSPORT, status, detail(status, result, body) + late);
    }

    private static String detail(String status, JsonNode result, String body) {
        String user = result.path("userId").asText();
        long version = result.path("profileVersion").asLong();
        return switch (status) {
            case "applied" -> "profile " + user + " now v" + version + ", freshness lag "
                    + ReplayLog.human(Duration.ofMillis(result.path("freshnessLagMillis").asLong()));
            case "duplicate" -> "event " + result.path("eventId").asText() + " was applied before; profile " + user + " stays at v" + version;
            case "stale" -> "newer state is already in profile " + user + " (v" + version + "); nothing changed";
            case "erased" -> "profile " + user + " erased";
            case "ignored" -> "nothing to apply (tombstone)";
            default -> ReplayLog.abbreviate(body);
        };
    }

    private static String violations(JsonNode list) {
        List<String> parts = new ArrayList<>();
        for (JsonNode v : list) {
            parts.add(v.path("field").asText() + ": " + v.path("message").asText());
        }
        return parts.isEmpty() ? "(no violations listed)" : String.join("; ", parts);
    }
}
