package com.example.profiles.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;

/**
 * A shopper id as the profile store accepts it: 1 to 128 letters, digits, '.', '_' or '-'. The
 * id becomes a Redis hash tag ({@code profile:{id}}), so braces and other separators are refused;
 * e-mail addresses are refused too, as ids must not be personal data in clear.
 */
@Pattern(regexp = UserId.PATTERN,
        message = "must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit")
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface UserId {
    /** The accepted shape, for code that checks an id outside bean validation. */
    String PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    /** {@link #PATTERN} compiled once: {@code String.matches} would compile it on every event. */
    java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile(PATTERN);

    String message() default "invalid user id";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
