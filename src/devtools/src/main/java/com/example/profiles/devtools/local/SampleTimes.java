package com.example.profiles.devtools.local;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Re-stamps a sample's times just before it is sent. */
final class SampleTimes {

    private SampleTimes() {
    }

    /**
     * Shifts the sample's {@code time}, {@code data.occurredAt} and Debezium {@code ts_ms} by one
     * amount so the newest of them is now: sent one after another, the samples keep their order,
     * none lies in the future, and the lag measured is the pipeline's.
     */
    static void restamp(Sample sample) {
        ObjectNode event = sample.event();
        Instant newest = newest(event);
        if (newest == null) {
            return;
        }
        // A sample may ask to look old ("replayage": "PT40M", a CloudEvent extension attribute), e.g. a
        // cart left alone long enough for the sweeper to abandon it.
        Duration age = event.hasNonNull("replayage") ? Duration.parse(event.get("replayage").asText()) : Duration.ZERO;
        Duration shift = Duration.between(newest, Instant.now().minus(age).truncatedTo(ChronoUnit.MILLIS));
        Instant time = instant(event.get("time"));
        if (time != null) {
            event.put("time", time.plus(shift).toString());
        }
        if (event.path("data") instanceof ObjectNode data) {
            Instant occurredAt = instant(data.get("occurredAt"));
            if (occurredAt != null) {
                data.put("occurredAt", occurredAt.plus(shift).toString());
            }
            // Debezium: when the connector saw the change, and its commit time (the event time).
            shiftEpochMillis(data, "ts_ms", shift);
            if (data.path("source") instanceof ObjectNode source) {
                shiftEpochMillis(source, "ts_ms", shift);
            }
        }
    }

    /** The newest of the event's times, or null if it has none. */
    private static Instant newest(ObjectNode event) {
        JsonNode data = event.path("data");
        Instant newest = null;
        for (Instant t : new Instant[] { instant(event.get("time")), instant(data.get("occurredAt")),
                epochMillis(data.get("ts_ms")), epochMillis(data.path("source").get("ts_ms")) }) {
            if (t != null && (newest == null || t.isAfter(newest))) {
                newest = t;
            }
        }
        return newest;
    }

    private static Instant epochMillis(JsonNode node) {
        return node != null && node.canConvertToLong() && node.isIntegralNumber() ? Instant.ofEpochMilli(node.asLong()) : null;
    }

    private static void shiftEpochMillis(ObjectNode node, String field, Duration shift) {
        Instant t = epochMillis(node.get(field));
        if (t != null) {
            node.put(field, t.plus(shift).toEpochMilli());
        }
    }

    private static Instant instant(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (RuntimeException e) {
            return null; // left as it is: the app will say what is wrong with it
        }
    }
}
