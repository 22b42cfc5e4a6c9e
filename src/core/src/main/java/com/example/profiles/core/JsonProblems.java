package com.example.profiles.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
        if (e instanceof JsonRefusal refusal) {
            return new Violation(field(e), refusal.getOriginalMessage());
        }
        if (e instanceof StreamConstraintsException || e.getCause() instanceof StreamConstraintsException) {
            // Says which limit (nesting depth, number or text length) and its size; quotes no input.
            String message = (e instanceof StreamConstraintsException limit ? limit : (StreamConstraintsException) e.getCause()).getOriginalMessage();
            int from = message == null ? -1 : message.indexOf(", from `");
            return new Violation(field(e), "exceeds a limit of the JSON parser: " + (from < 0 ? message : message.substring(0, from) + ")"));
        }
        if (e instanceof JsonParseException && e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field '")) {
            // The key, not its value: one object may not say one thing twice.
            String key = e.getOriginalMessage().substring("Duplicate field '".length());
            key = key.endsWith("'") ? key.substring(0, key.length() - 1) : key;
            return new Violation(field(e), "has the key '" + (key.length() > 64 ? key.substring(0, 64) + "…" : key) + "' twice" + location(e));
        }
        if (e instanceof InputCoercionException || e.getCause() instanceof InputCoercionException) {
            // A number too large for its type (an int quantity of 41 digits): named by type, not quoted.
            Class<?> type = (e instanceof InputCoercionException coercion ? coercion : (InputCoercionException) e.getCause()).getTargetType();
            return new Violation(field(e), "is out of range" + (type == null ? "" : " for " + article(typeName(type))));
        }
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType() == String.class
                && (invalid.getValue() instanceof Number || invalid.getValue() instanceof Boolean)) {
            // "userId": 0 is not the user "0": a number (or true) is not taken for text.
            return new Violation(field(e), "must be text (a JSON string), not " + (invalid.getValue() instanceof Number ? "a number" : "a boolean"));
        }
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
