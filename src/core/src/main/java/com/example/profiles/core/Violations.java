package com.example.profiles.core;

import jakarta.validation.ConstraintValidatorContext;

/** Adds literal-text violations on named fields from class-level constraint validators. */
public final class Violations {

    private Violations() {
    }

    /** Always returns false, so a validator can write {@code valid = Violations.add(...)}. */
    public static boolean add(ConstraintValidatorContext context, String field, String message) {
        context.buildConstraintViolationWithTemplate(escape(message)).addPropertyNode(field).addConstraintViolation();
        return false;
    }

    /** Our messages are literal text; braces and $ would otherwise be read as EL / parameters. */
    private static String escape(String message) {
        return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
}
