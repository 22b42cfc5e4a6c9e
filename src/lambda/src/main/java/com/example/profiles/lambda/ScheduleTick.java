package com.example.profiles.lambda;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tick of the sweeper's schedule, whatever delivered it. A tick is a tick: any invocation of
 * the sweeper runs one sweep; what came is only read for the log line.
 * <ul>
 * <li>{@link Kind#SCHEDULER_INPUT}: EventBridge Scheduler delivers the target's {@code input} as the
 * event itself. The Terraform module sends
 * {@code {"reason":"scheduled","schedule":"<aws.scheduler.schedule-arn>","scheduledTime":...,
 * "executionId":...,"attempt":...}}, whose context attributes Scheduler fills in;</li>
 * <li>{@link Kind#SCHEDULED_EVENT}: a scheduled EventBridge rule (or a Scheduler target without
 * input, as in {@code scheduler-event.json} of the test fixtures) delivers the envelope
 * {@code {"detail-type":"Scheduled Event","source":"aws.events"|"aws.scheduler",...}};</li>
 * <li>{@link Kind#OTHER}: anything else, even nothing. Only its shape (top-level field names) is
 * logged, never its values: a payload sent here by mistake may hold personal data.</li>
 * </ul>
 *
 * @param id the delivery's id (envelope id, Scheduler execution id, else the invocation's request id)
 * @param time when the schedule fired, where the payload says so, else null
 * @param schedule the schedule or rule ARN, where the payload says so, else null
 * @param attempt Scheduler's attempt number, else null
 */
public record ScheduleTick(Kind kind, String id, Instant time, String schedule, String attempt, String shape) {

    public static final String DETAIL_TYPE = "Scheduled Event";
    public static final Set<String> SOURCES = Set.of("aws.scheduler", "aws.events");

    public enum Kind {
        SCHEDULER_INPUT, SCHEDULED_EVENT, OTHER
    }

    /** Reads what came; never fails. */
    public static ScheduleTick from(JsonNode event, String requestId) {
        if (event != null && event.isObject()) {
            if (DETAIL_TYPE.equals(text(event, "detail-type")) && SOURCES.contains(text(event, "source"))) {
                JsonNode resources = event.path("resources");
                String schedule = resources.isArray() && !resources.isEmpty() ? resources.get(0).asText(null) : null;
                return new ScheduleTick(Kind.SCHEDULED_EVENT, orElse(text(event, "id"), requestId), instant(text(event, "time")), schedule,
                        null, text(event, "source"));
            }
            if (event.has("reason") || event.has("scheduledTime") || event.has("executionId")) {
                return new ScheduleTick(Kind.SCHEDULER_INPUT, orElse(substituted(text(event, "executionId")), requestId),
                        instant(substituted(text(event, "scheduledTime"))), substituted(text(event, "schedule")),
                        substituted(text(event, "attempt")), "reason " + text(event, "reason"));
            }
        }
        return new ScheduleTick(Kind.OTHER, requestId, null, null, null, shape(event));
    }

    /** One line for the log: what delivered the tick and what it said about itself. */
    public String describe() {
        StringBuilder line = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        line.append(" ").append(id);
        if (time != null) {
            line.append(", fired ").append(time);
        }
        if (attempt != null) {
            line.append(", attempt ").append(attempt);
        }
        if (schedule != null) {
            line.append(", ").append(schedule);
        }
        line.append(" (").append(shape).append(")");
        return line.toString();
    }

    /** A context attribute Scheduler did not replace (a test, or a target invoked by hand) says nothing. */
    private static String substituted(String value) {
        return value == null || value.startsWith("<aws.scheduler.") ? null : value;
    }

    private static String shape(JsonNode event) {
        if (event == null || event.isNull() || event.isMissingNode()) {
            return "no payload";
        }
        if (!event.isObject()) {
            return "a JSON " + event.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
        List<String> fields = new ArrayList<>();
        event.fieldNames().forEachRemaining(fields::add);
        return fields.size() > 12 ? "an object with fields " + fields.subList(0, 12) + " and " + (fields.size() - 12) + " more"
                : "an object with fields " + fields;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }
}
