package com.example.profiles.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Text without ASCII control characters (what {@code [^\p{Cntrl}]*} accepts) and without any of
 * {@link #forbidden()}. A loop over the characters instead of {@code @Pattern}: every line item
 * and cart change is checked, and a regex match allocates a matcher and its arrays each time (a
 * few percent of the Kafka path's allocation in the benchmark's profile). Null is valid, as for
 * the built-in constraints.
 */
@Constraint(validatedBy = PlainText.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface PlainText {

    /** Characters refused besides the control characters. */
    String forbidden() default "";

    String message() default "must not contain control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<PlainText, CharSequence> {

        private String forbidden = "";

        @Override
        public void initialize(PlainText annotation) {
            forbidden = annotation.forbidden();
        }

        @Override
        public boolean isValid(CharSequence text, ConstraintValidatorContext context) {
            if (text == null) {
                return true;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c == 0x7F || forbidden.indexOf(c) >= 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
