package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Money becomes integer minor units of the base currency, rounded half-even once. */
class CurrencyConverterTest {

    private final CurrencyConverter converter = new CurrencyConverter(settings(Map.of(
            "profiles.base-currency", "EUR",
            "profiles.currency-rates.USD", "0.92",
            "profiles.currency-rates.JPY", "0.0061")));

    @Test
    void baseCurrencyAmountsBecomeCents() {
        assertThat(converter.toBaseMinorUnits(new BigDecimal("134.99"), "EUR")).isEqualTo(13499);
        assertThat(converter.toBaseMinorUnits(new BigDecimal("0"), "EUR")).isZero();
    }

    @Test
    void foreignAmountsAreConvertedThenRoundedHalfEven() {
        assertThat(converter.toBaseMinorUnits(new BigDecimal("134.99"), "USD")).isEqualTo(12419); // 124.1908
        assertThat(converter.toBaseMinorUnits(new BigDecimal("12.50"), "USD")).isEqualTo(1150); // 11.50 exactly
        assertThat(converter.toBaseMinorUnits(new BigDecimal("125"), "JPY")).isEqualTo(76); // 0.7625 -> 0.76 (half-even)
        assertThat(converter.toBaseMinorUnits(new BigDecimal("75"), "JPY")).isEqualTo(46); // 0.4575 -> 0.46
    }

    @Test
    void aCurrencyWithoutRateIsRefusedNotGuessed() {
        assertThat(converter.converts("NOK")).isFalse();
        assertThatThrownBy(() -> converter.toBaseMinorUnits(BigDecimal.ONE, "NOK"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no exchange rate is configured for NOK");
    }

    @Test
    void oneAmountIsHeldToTheLimitBeforeItBecomesANumber() {
        assertThat(converter.toBaseMinorUnits("total", new BigDecimal("100000000000.00"), "EUR")).isEqualTo(10_000_000_000_000L);
        assertThatThrownBy(() -> converter.toBaseMinorUnits("total", new BigDecimal("100000000000.01"), "EUR"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("total: is worth more than 100000000000.00 EUR, the most one amount may be (profiles.limits.max-amount-minor)");
        // 100000 x 999999999999.9999: once a long overflow (ArithmeticException), now a refusal naming the line.
        assertThatThrownBy(() -> converter.toBaseMinorUnits("items[0]", "the line (quantity × unitPrice)",
                new BigDecimal("999999999999.9999").multiply(BigDecimal.valueOf(100_000)), "USD"))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("items[0]: the line (quantity × unitPrice) is worth more than");
    }

    static ProfileSettings settings(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "test", 100))
                .withMapping(ProfileSettings.class)
                .build();
        return config.getConfigMapping(ProfileSettings.class);
    }
}
