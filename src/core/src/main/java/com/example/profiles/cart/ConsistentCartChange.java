package com.example.profiles.cart;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/** The fields each cart action needs, and a currency we can convert. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentCartChangeValidator.class)
public @interface ConsistentCartChange {
    String message() default "inconsistent cart change";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
