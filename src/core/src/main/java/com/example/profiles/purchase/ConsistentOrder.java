package com.example.profiles.purchase;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * The rules of an order that span fields or depend on configuration: a real ISO-4217 currency we
 * hold a rate for, amounts no finer than that currency's minor unit, at most the configured number
 * of lines, and a total equal to the sum of the lines.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentOrderValidator.class)
public @interface ConsistentOrder {
    String message() default "inconsistent order";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
