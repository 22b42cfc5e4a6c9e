package com.example.profiles.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

/** Turns a Jackson failure into a violation on the field it concerns, so producers see what to fix. */
public final class JsonProblems {

    private JsonProblems() {
    }

    public static Violation violation(JsonProcessingException e) {
        return new Violation(field(e), "is not valid: " + firstLine(e.getOriginalMessage()));
    }

    /** The property path (items[0].quantity) when Jackson knows it, else "data". */
    static String field(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "data";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "data" : path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
