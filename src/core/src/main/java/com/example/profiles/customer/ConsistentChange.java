package com.example.profiles.customer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/** The row a change needs (after for c/u/r, before for d) with a usable id, from the configured table. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentChangeValidator.class)
public @interface ConsistentChange {
    String message() default "inconsistent change event";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
