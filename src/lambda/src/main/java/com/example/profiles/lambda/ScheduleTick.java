package com.example.profiles.lambda;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.Violation;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tick of the sweeper's schedule, read from the event EventBridge Scheduler delivers to a
 * Lambda target ({@code detail-type} "Scheduled Event", {@code source} aws.scheduler; see
 * {@code ../shared/fixtures/aws/scheduler-event.json}). A scheduled EventBridge rule sends the same
 * shape with source aws.events, so both are accepted.
 *
 * @param id the event id: a retried delivery of the same tick carries the same id
 * @param time when the schedule fired (not when the function runs)
 * @param schedule the schedule's ARN (the first of {@code resources}), or null
 */
public record ScheduleTick(String id, String source, Instant time, String account, String region, String schedule) {

    public static final String DETAIL_TYPE = "Scheduled Event";
    public static final Set<String> SOURCES = Set.of("aws.scheduler", "aws.events");

    /** @throws InvalidEventException when the event is not a schedule tick */
    public static ScheduleTick from(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new InvalidEventException("event", "is not a JSON object");
        }
        List<Violation> problems = new ArrayList<>();
        String detailType = text(event, "detail-type");
        if (!DETAIL_TYPE.equals(detailType)) {
            problems.add(new Violation("detail-type", "is " + detailType + ", not " + DETAIL_TYPE));
        }
        String source = text(event, "source");
        if (!SOURCES.contains(source)) {
            problems.add(new Violation("source", "is " + source + ", not one of " + SOURCES));
        }
        String id = text(event, "id");
        if (id == null || id.isBlank()) {
            problems.add(new Violation("id", "is required"));
        }
        Instant time = null;
        String timeText = text(event, "time");
        try {
            time = timeText == null ? null : Instant.parse(timeText);
        } catch (DateTimeParseException e) {
            // reported below
        }
        if (time == null) {
            problems.add(new Violation("time", "is " + timeText + ", not an ISO-8601 UTC time"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        JsonNode resources = event.path("resources");
        String schedule = resources.isArray() && !resources.isEmpty() ? resources.get(0).asText(null) : null;
        return new ScheduleTick(id, source, time, text(event, "account"), text(event, "region"), schedule);
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }
}
