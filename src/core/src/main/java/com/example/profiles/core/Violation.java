package com.example.profiles.core;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One reason an event was refused: the field it concerns (a property path, or "event") and why. */
@RegisterForReflection
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
