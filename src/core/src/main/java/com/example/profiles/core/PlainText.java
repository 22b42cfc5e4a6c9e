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
 * Text without ASCII control characters (what {@code [^\p{Cntrl}]*} accepts), without any of
 * {@link #forbidden()}, and well-formed: a UTF-16 surrogate without its partner (JSON can write one
 * as {@code "\uD800"}) has no UTF-8 form, so Redis would store it as {@code ?} and two different
 * SKUs would become one. A loop over the characters instead of {@code @Pattern}: every line item
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

        public static final String UNPAIRED_SURROGATE = "must be well-formed Unicode text (it holds an unpaired surrogate)";

        public enum Problem {
            CONTROL_OR_FORBIDDEN, UNPAIRED_SURROGATE
        }

        private String forbidden = "";

        @Override
        public void initialize(PlainText annotation) {
            forbidden = annotation.forbidden();
        }

        @Override
        public boolean isValid(CharSequence text, ConstraintValidatorContext context) {
            Problem problem = problem(text, forbidden);
            if (problem == Problem.UNPAIRED_SURROGATE && context != null) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(UNPAIRED_SURROGATE).addConstraintViolation();
            }
            return problem == null;
        }

        /** What is wrong with the text as plain text, or null when nothing is (or it is null). */
        public static Problem problem(CharSequence text, String forbidden) {
            if (text == null) {
                return null;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c == 0x7F || forbidden.indexOf(c) >= 0) {
                    return Problem.CONTROL_OR_FORBIDDEN;
                }
                if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        i++;
                    } else {
                        return Problem.UNPAIRED_SURROGATE;
                    }
                }
            }
            return null;
        }
    }
}
