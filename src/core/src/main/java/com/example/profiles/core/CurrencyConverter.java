package com.example.profiles.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns decimal amounts in any configured currency into integer minor units (cents) of the base
 * currency, so a profile adds up money without floating point. Rounded half-even once, at the end.
 * Every amount is held to {@code profiles.limits.max-amount-minor} here, before it becomes a long,
 * so no amount can overflow on its way to Redis.
 */
@ApplicationScoped
public class CurrencyConverter {

    private final Currency base;
    private final Map<String, BigDecimal> rates;
    private final BigDecimal maxAmountMinor;

    public CurrencyConverter(ProfileSettings settings) {
        this.base = Currency.getInstance(settings.baseCurrency());
        this.rates = settings.currencyRates();
        this.maxAmountMinor = BigDecimal.valueOf(settings.limits().maxAmountMinor());
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
        return toBaseMinorUnits("amount", amount, currency);
    }

    /**
     * The amount in minor units of the base currency.
     *
     * @param field the field the amount comes from (for a line: its quantity times its unit price),
     *        named when the amount is over the limit
     * @throws InvalidEventException when no rate is configured, or the amount is worth more than
     *         {@code profiles.limits.max-amount-minor}
     */
    public long toBaseMinorUnits(String field, BigDecimal amount, String currency) {
        return toBaseMinorUnits(field, null, amount, currency);
    }

    /** @param what what the amount is, when the field alone does not say (a line: quantity × unit price) */
    public long toBaseMinorUnits(String field, String what, BigDecimal amount, String currency) {
        BigDecimal rate = base.getCurrencyCode().equals(currency) ? BigDecimal.ONE : rates.get(currency);
        if (rate == null) {
            throw new InvalidEventException("currency", "no exchange rate is configured for " + currency);
        }
        BigDecimal minor = amount.multiply(rate)
                .setScale(base.getDefaultFractionDigits(), RoundingMode.HALF_EVEN)
                .movePointRight(base.getDefaultFractionDigits());
        if (minor.abs().compareTo(maxAmountMinor) > 0) {
            throw new InvalidEventException(field, (what == null ? "" : what + " ") + "is worth more than " + describeMinor(maxAmountMinor.longValue())
                    + ", the most one amount may be (profiles.limits.max-amount-minor)");
        }
        return minor.longValueExact();
    }

    /** An amount in base minor units as a reader expects it: {@code 100000000000.00 EUR}. */
    public String describeMinor(long minor) {
        return BigDecimal.valueOf(minor, Math.max(0, base.getDefaultFractionDigits())).toPlainString() + " " + base.getCurrencyCode();
    }
}
