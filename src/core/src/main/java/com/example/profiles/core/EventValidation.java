package com.example.profiles.core;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

/** Runs Hibernate Validator on event data and reports every violation at once, sorted by field. */
@ApplicationScoped
public class EventValidation {

    private final Validator validator;

    public EventValidation(Validator validator) {
        this.validator = validator;
    }

    public <T> void check(T data) {
        if (data == null) {
            throw new InvalidEventException("data", "the event carries no data");
        }
        Set<ConstraintViolation<T>> found = validator.validate(data);
        if (!found.isEmpty()) {
            List<Violation> violations = found.stream()
                    .map(v -> new Violation(field(v), v.getMessage()))
                    .distinct()
                    .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                    .toList();
            throw new InvalidEventException(violations);
        }
    }

    private static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        return path.isEmpty() ? "data" : path;
    }
}
