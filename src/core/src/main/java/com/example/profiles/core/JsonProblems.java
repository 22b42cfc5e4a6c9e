package com.example.profiles.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Turns a Jackson failure into a violation on the field it concerns, so producers see what to fix.
 * The message names the field and the expected type, never the value: Jackson's own messages quote
 * the input (an e-mail address, once), span several lines and name Java classes.
 */
public final class JsonProblems {

    private JsonProblems() {
    }

    public static Violation violation(JsonProcessingException e) {
        if (e instanceof JsonEOFException || e.getCause() instanceof JsonEOFException) {
            return new Violation(field(e), "is not valid JSON: it ends too early" + location(e));
        }
        if (e instanceof JsonParseException || e.getCause() instanceof JsonParseException) {
            return new Violation(field(e), "is not valid JSON" + location(e));
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String expected = typeName(mismatch.getTargetType());
            if (mismatch.getTargetType().isEnum() || !(e instanceof InvalidFormatException)) {
                return new Violation(field(e), "must be " + article(expected));
            }
            return new Violation(field(e), "is not a valid " + expected);
        }
        return new Violation(field(e), "could not be read" + location(e));
    }

    /** " (line L, column C)" where the parser knows it, else "". */
    public static String location(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
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

    /** What a producer calls the type: a number, text, an object, a list. */
    private static String typeName(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class) {
            return "text";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class
                || type == short.class || type == java.math.BigInteger.class) {
            return "whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "number";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "ISO-8601 time";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "list";
        }
        return "object";
    }

    private static String article(String name) {
        return name.startsWith("one of") ? name : ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }
}
