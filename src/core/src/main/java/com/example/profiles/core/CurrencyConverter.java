package com.example.profiles.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns decimal amounts in any configured currency into integer minor units (cents) of the base
 * currency, so a profile adds up money without floating point. Rounded half-even once, at the end.
 */
@ApplicationScoped
public class CurrencyConverter {

    private final Currency base;
    private final Map<String, BigDecimal> rates;

    public CurrencyConverter(ProfileSettings settings) {
        this.base = Currency.getInstance(settings.baseCurrency());
        this.rates = settings.currencyRates();
    }

    public String baseCurrency() {
        return base.getCurrencyCode();
    }

    /** True when amounts in this currency can be converted (it is the base or has a rate). */
    public boolean converts(String currency) {
        return base.getCurrencyCode().equals(currency) || rates.containsKey(currency);
    }

    /** The amount in minor units of the base currency; the caller has checked {@link #converts}. */
    public long toBaseMinorUnits(BigDecimal amount, String currency) {
        BigDecimal rate = base.getCurrencyCode().equals(currency) ? BigDecimal.ONE : rates.get(currency);
        if (rate == null) {
            throw new InvalidEventException("currency", "no exchange rate is configured for " + currency);
        }
        return amount.multiply(rate)
                .setScale(base.getDefaultFractionDigits(), RoundingMode.HALF_EVEN)
                .movePointRight(base.getDefaultFractionDigits())
                .longValueExact();
    }
}
