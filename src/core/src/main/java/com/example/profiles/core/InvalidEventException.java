package com.example.profiles.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The event cannot be applied as sent: retrying it will never succeed, so it goes to the
 * dead-letter destination (Kafka) or is answered 400 (HTTP). Nothing was written.
 */
public class InvalidEventException extends RuntimeException {

    private final List<Violation> violations;

    public InvalidEventException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public InvalidEventException(String field, String message) {
        this(List.of(new Violation(field, message)));
    }

    public List<Violation> violations() {
        return violations;
    }
}
