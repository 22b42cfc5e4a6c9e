package com.example.profiles.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules every event's CloudEvent attributes meet, whatever carried them (HTTP headers, a
 * structured event, Kafka headers, a Lambda record). {@code id} and {@code source} identify the
 * event (they make its dedup key), so an empty one would make different events duplicates of
 * each other, and an unpaired surrogate would make two ids the same bytes. CloudEvents 1.0 asks
 * for non-empty strings; we also bound their length and refuse control characters.
 */
public final class EventAttributes {

    public static final String SPEC_VERSION = "1.0";
    public static final int MAX_ID_LENGTH = 256;
    public static final int MAX_SOURCE_LENGTH = 1024;
    public static final int MAX_TYPE_LENGTH = 256;

    private EventAttributes() {
    }

    /** Every problem with the attributes a profile update uses; empty when there is none. */
    public static List<Violation> problems(String id, String source, String type) {
        List<Violation> problems = new ArrayList<>(0);
        text(problems, "id", id, MAX_ID_LENGTH);
        text(problems, "source", source, MAX_SOURCE_LENGTH);
        text(problems, "type", type, MAX_TYPE_LENGTH);
        return problems;
    }

    /**
     * Refuses the event when its attributes break a rule. A type may be absent here: an in-process
     * caller hands the function its own event type's data (every channel's reader requires one).
     */
    public static void check(EventMeta meta) {
        List<Violation> problems = new ArrayList<>(0);
        text(problems, "id", meta.id(), MAX_ID_LENGTH);
        text(problems, "source", meta.source(), MAX_SOURCE_LENGTH);
        if (meta.type() != null) {
            text(problems, "type", meta.type(), MAX_TYPE_LENGTH);
        }
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
    }

    /** The problem with the specversion attribute, or null: only CloudEvents 1.0 is spoken here. */
    public static Violation specVersionProblem(String specVersion) {
        if (specVersion == null) {
            return new Violation("specversion", "is required (1.0)");
        }
        return SPEC_VERSION.equals(specVersion) ? null : new Violation("specversion", "must be 1.0");
    }

    private static void text(List<Violation> problems, String name, String value, int maxLength) {
        if (value == null) {
            problems.add(new Violation(name, "is required"));
        } else if (value.isEmpty()) {
            problems.add(new Violation(name, "must not be empty"));
        } else if (value.length() > maxLength) {
            problems.add(new Violation(name, "is longer than " + maxLength + " characters"));
        } else {
            PlainText.Validator.Problem problem = PlainText.Validator.problem(value, "");
            if (problem == PlainText.Validator.Problem.CONTROL_OR_FORBIDDEN) {
                problems.add(new Violation(name, "must not contain control characters"));
            } else if (problem == PlainText.Validator.Problem.UNPAIRED_SURROGATE) {
                problems.add(new Violation(name, PlainText.Validator.UNPAIRED_SURROGATE));
            }
        }
    }
}
