package com.example.profiles.core;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * How every decimal in event data is read, on every channel: from the number's JSON text, exactly
 * (never through {@code double}), and bounded before it is parsed. A JSON number is short
 * (Jackson caps its text at 1,000 characters) but can name an absurd magnitude: {@code 1e10000000}
 * is ten characters, and turning it into plain digits (to print it, to compare it with a sum, to
 * move it to minor units) costs megabytes and seconds. So the exponent is checked in the text
 * first, and the parsed value must have at most {@link #MAX_INTEGER_DIGITS} digits before the
 * decimal point and {@link #MAX_FRACTION_DIGITS} after it (trailing zeros do not count). That
 * is far above any amount a field takes (a field's own constraints and the amount limits say
 * what it takes), and small enough that nothing done with the value afterwards costs anything.
 * The refusal names the bound, never the value.
 */
public final class ExactDecimal {

    public static final int MAX_INTEGER_DIGITS = 18;
    public static final int MAX_FRACTION_DIGITS = 18;
    /** Beyond this exponent no number of at most 1,000 characters lies within the bounds (or it is a zero in disguise). */
    static final int MAX_EXPONENT = 2_000;
    public static final String OUT_OF_RANGE = "is out of range: at most " + MAX_INTEGER_DIGITS + " digits before and "
            + MAX_FRACTION_DIGITS + " after the decimal point are taken";

    private ExactDecimal() {
    }

    /**
     * @param text a JSON number as written (or as {@link BigDecimal#toString()} writes one)
     * @return its exact value, or null when it is not a number within the bounds
     */
    public static BigDecimal parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 1_000 || !exponentWithinBounds(text)) {
            return null;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException notANumber) {
            return null;
        }
        if (value.signum() == 0) {
            return value;
        }
        if (value.precision() - value.scale() > MAX_INTEGER_DIGITS || value.stripTrailingZeros().scale() > MAX_FRACTION_DIGITS) {
            return null;
        }
        return value;
    }

    /** Reads the exponent (after 'e' or 'E') without parsing the number; true when there is none or it is small. */
    private static boolean exponentWithinBounds(String text) {
        int marker = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (marker < 0) {
            return true;
        }
        int i = marker + 1;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        while (i < text.length() - 1 && text.charAt(i) == '0') {
            i++;
        }
        int digits = text.length() - i;
        if (digits == 0 || digits > 4) {
            return false;
        }
        int exponent = 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            exponent = exponent * 10 + (c - '0');
        }
        return exponent <= MAX_EXPONENT;
    }

    /**
     * Binds {@link BigDecimal} from JSON numbers only (a string is not a number), through
     * {@link #parse}. Registered for every BigDecimal the application's ObjectMapper reads
     * ({@link StrictJson}).
     */
    public static final class Deserializer extends StdScalarDeserializer<BigDecimal> {

        private static final long serialVersionUID = 1L;

        public Deserializer() {
            super(BigDecimal.class);
        }

        @Override
        public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                BigDecimal value = parse(p.getText());
                if (value == null) {
                    throw new JsonRefusal(p, OUT_OF_RANGE);
                }
                return value;
            }
            if (token == JsonToken.VALUE_STRING) {
                throw new JsonRefusal(p, "must be a JSON number, not a string");
            }
            return (BigDecimal) ctxt.handleUnexpectedToken(BigDecimal.class, p);
        }
    }
}
