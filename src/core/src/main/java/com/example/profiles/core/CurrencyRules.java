package com.example.profiles.core;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Optional;

/**
 * Checks shared by every validator that sees money: the code is ISO-4217, we hold a rate for it,
 * and an amount is no finer than the currency's minor unit.
 */
public final class CurrencyRules {

    private CurrencyRules() {
    }

    /** Why amounts in this currency cannot be taken, or empty when they can. */
    public static Optional<String> problemWith(String code, CurrencyConverter converter) {
        if (iso(code) == null) {
            return Optional.of(code + " is not an ISO-4217 currency code");
        }
        if (!converter.converts(code)) {
            return Optional.of("no exchange rate is configured for " + code + " (base currency " + converter.baseCurrency() + ")");
        }
        return Optional.empty();
    }

    /** True when the amount has more decimal places than the currency's minor unit allows. */
    public static boolean finerThanMinorUnit(BigDecimal amount, String code) {
        Currency currency = iso(code);
        return currency != null && amount.stripTrailingZeros().scale() > Math.max(0, currency.getDefaultFractionDigits());
    }

    /**
     * True for three capital letters, the shape of an ISO-4217 code (whether it names a currency is
     * {@link #problemWith}'s question). A loop, not a regex: it runs for every event.
     */
    public static boolean isCode(String code) {
        if (code == null || code.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = code.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }

    private static Currency iso(String code) {
        if (!isCode(code)) {
            return null;
        }
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException notIso) {
            return null;
        }
    }
}
