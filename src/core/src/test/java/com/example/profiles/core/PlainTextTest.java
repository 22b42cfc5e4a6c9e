package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@link PlainText} replaced {@code @Pattern("[^\p{Cntrl}]*")} and {@code "[^:\p{Cntrl}]*"}: it must accept exactly the same texts. */
class PlainTextTest {

    private static final Pattern NO_CONTROL = Pattern.compile("[^\\p{Cntrl}]*");
    private static final Pattern NO_CONTROL_OR_COLON = Pattern.compile("[^:\\p{Cntrl}]*");

    @Test
    void acceptsWhatTheRegexesAcceptedForEveryCharacterOfTheFirstPlane() {
        PlainText.Validator plain = validator("");
        PlainText.Validator noColon = validator(":");
        for (char c = 0; c < 0x3000; c++) {
            String text = "SKU-" + c + "-1";
            assertThat(plain.isValid(text, null)).as("U+%04X", (int) c).isEqualTo(NO_CONTROL.matcher(text).matches());
            assertThat(noColon.isValid(text, null)).as("U+%04X with ':' forbidden", (int) c)
                    .isEqualTo(NO_CONTROL_OR_COLON.matcher(text).matches());
        }
    }

    @Test
    void refusesControlCharactersAndTheForbiddenOnesAndAcceptsTheRest() {
        assertThat(validator("").isValid("shoes\n", null)).isFalse();
        assertThat(validator("").isValid("shoes\u007F", null)).isFalse();
        assertThat(validator(":").isValid("home:garden", null)).isFalse();
        assertThat(validator("").isValid("home:garden", null)).isTrue();
        assertThat(validator(":").isValid("Schuhe & Stiefel – Größe 42", null)).isTrue();
        assertThat(validator(":").isValid("", null)).isTrue();
        assertThat(validator(":").isValid(null, null)).isTrue();
    }

    @Test
    void refusesUnpairedSurrogatesAndTakesPairedOnes() {
        assertThat(validator("").isValid("SKU-\uD800", null)).isFalse();
        assertThat(validator("").isValid("\uDC00SKU", null)).isFalse();
        assertThat(validator("").isValid("SKU-\uDBFF\uDBFF", null)).isFalse();
        assertThat(validator("").isValid("SKU-\uD83D\uDC5F", null)).isTrue(); // a shoe emoji, a well-formed pair
        // The two SKUs that Redis would have stored as the same "SKU-?":
        assertThat(validator("").isValid("SKU-\uD800", null) || validator("").isValid("SKU-\uDBFF", null)).isFalse();
    }

    @Test
    void aViolationIsOneBoundedLine() {
        Violation violation = new Violation("f".repeat(500), "line one\nline two " + "x".repeat(1_000_000));
        assertThat(violation.field()).hasSizeLessThanOrEqualTo(Violation.MAX_FIELD_LENGTH);
        assertThat(violation.message()).hasSizeLessThanOrEqualTo(Violation.MAX_MESSAGE_LENGTH).startsWith("line one line two").doesNotContain("\n");
    }

    private static PlainText.Validator validator(String forbidden) {
        PlainText.Validator validator = new PlainText.Validator();
        validator.initialize(new PlainText() {
            @Override
            public String forbidden() {
                return forbidden;
            }

            @Override
            public String message() {
                return "";
            }

            @Override
            public Class<?>[] groups() {
                return new Class<?>[0];
            }

            @SuppressWarnings("unchecked")
            @Override
            public Class<? extends jakarta.validation.Payload>[] payload() {
                return new Class[0];
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return PlainText.class;
            }
        });
        return validator;
    }
}
