package com.example.profiles.core;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One reason an event was refused: the field it concerns (a property path, or "event") and why.
 * Always one line (line breaks become spaces): it is sent as a Kafka header and logged. Both are
 * cut to a bounded length: they travel in HTTP answers and dead-letter headers, and part of a
 * message may come from a parser quoting the input.
 */
@RegisterForReflection
public record Violation(String field, String message) {

    static final int MAX_FIELD_LENGTH = 200;
    static final int MAX_MESSAGE_LENGTH = 300;

    public Violation {
        // Cut first: the line-break pass then runs over a bounded text.
        field = oneLine(cut(field, MAX_FIELD_LENGTH));
        message = oneLine(cut(message, MAX_MESSAGE_LENGTH));
    }

    private static String oneLine(String text) {
        return text == null ? null : text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }

    private static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
