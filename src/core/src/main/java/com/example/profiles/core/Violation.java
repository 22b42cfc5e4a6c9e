package com.example.profiles.core;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One reason an event was refused: the field it concerns (a property path, or "event") and why.
 * Always one line (line breaks become spaces): it is sent as a Kafka header and logged.
 */
@RegisterForReflection
public record Violation(String field, String message) {

    public Violation {
        field = oneLine(field);
        message = oneLine(message);
    }

    private static String oneLine(String text) {
        return text == null ? null : text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
