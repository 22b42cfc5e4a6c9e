package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Decimals are read exactly from their text, and absurd magnitudes are refused before they are expanded. */
class ExactDecimalTest {

    record Amount(BigDecimal value) {
    }

    private final ObjectMapper mapper = mapper();

    @Test
    void readsExactlyWhatWasWritten() {
        assertThat(ExactDecimal.parse("99999999999999.99")).isEqualByComparingTo("99999999999999.99");
        assertThat(ExactDecimal.parse("100.00000000000001")).isEqualTo(new BigDecimal("100.00000000000001"));
        assertThat(ExactDecimal.parse("1E+2")).isEqualByComparingTo("100");
        assertThat(ExactDecimal.parse("-0.5e-3")).isEqualByComparingTo("-0.0005");
        assertThat(ExactDecimal.parse("0")).isEqualByComparingTo("0");
        assertThat(ExactDecimal.parse("7.0")).isEqualTo(new BigDecimal("7.0"));
    }

    @Test
    void takesEighteenDigitsEachSideAndNoMore() {
        assertThat(ExactDecimal.parse("999999999999999999")).isNotNull();
        assertThat(ExactDecimal.parse("1000000000000000000")).isNull();
        assertThat(ExactDecimal.parse("0.000000000000000001")).isNotNull();
        assertThat(ExactDecimal.parse("0.0000000000000000001")).isNull();
        // Trailing zeros are not digits of the value.
        assertThat(ExactDecimal.parse("1.50000000000000000000000000")).isEqualByComparingTo("1.5");
    }

    @Test
    void refusesAbsurdMagnitudesWithoutExpandingThem() {
        for (String absurd : new String[] { "1e1000000", "1e10000000", "-1e1000000", "1e-400", "1e99999999999999999999", "0e2001", "1e",
                "1e+", "abc", "", "NaN", "Infinity" }) {
            assertThat(ExactDecimal.parse(absurd)).as(absurd).isNull();
        }
        assertThat(ExactDecimal.parse("1e-2000")).isNull(); // within the exponent bound, beyond the digits bound
    }

    @Test
    void theDeserializerRefusesWithTheBoundNeverTheValue() throws Exception {
        assertThat(mapper.readValue("{\"value\": 12.34}", Amount.class).value()).isEqualTo(new BigDecimal("12.34"));
        assertThatThrownBy(() -> mapper.readValue("{\"value\": 1e10000000}", Amount.class))
                .isInstanceOf(JsonRefusal.class)
                .satisfies(e -> assertThat(((JsonRefusal) e).getOriginalMessage()).isEqualTo(ExactDecimal.OUT_OF_RANGE));
        assertThatThrownBy(() -> mapper.readValue("{\"value\": \"12.34\"}", Amount.class))
                .isInstanceOf(JsonRefusal.class).hasMessageContaining("must be a JSON number");
        Violation violation = JsonProblems.violation((JsonRefusal) catchRefusal("{\"value\": 1e1000000}"));
        assertThat(violation).isEqualTo(new Violation("value", ExactDecimal.OUT_OF_RANGE));
    }

    @Test
    void treesKeepDecimalsExactToo() throws Exception {
        assertThat(mapper.readTree("{\"total\": 99999999999999.99}").get("total").decimalValue()).isEqualTo(new BigDecimal("99999999999999.99"));
        assertThat(mapper.readTree("{\"total\": 7.0}").get("total").toString()).isEqualTo("7.0");
        assertThat(mapper.treeToValue(mapper.readTree("{\"value\": 100.00000000000001}"), Amount.class).value())
                .isEqualTo(new BigDecimal("100.00000000000001"));
    }

    private Exception catchRefusal(String json) {
        try {
            mapper.readValue(json, Amount.class);
            throw new AssertionError("not refused: " + json);
        } catch (Exception e) {
            return e;
        }
    }

    static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        return mapper;
    }
}
