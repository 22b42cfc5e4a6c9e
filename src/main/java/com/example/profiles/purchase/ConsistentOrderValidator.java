package com.example.profiles.purchase;

import java.math.BigDecimal;
import java.util.Currency;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.ProfileSettings;

/**
 * Checks {@link ConsistentOrder}; fields that are missing are left to their own constraints.
 * Quarkus makes constraint validators CDI beans, so the settings are injected.
 */
public class ConsistentOrderValidator implements ConstraintValidator<ConsistentOrder, PurchaseCompleted> {

    // Providers: Quarkus builds the validator factory at static init, before runtime configuration
    // (and so ProfileSettings) exists; both are looked up when an order is validated.
    private final Provider<CurrencyConverter> converters;
    private final Provider<ProfileSettings> settingsProvider;

    @Inject
    public ConsistentOrderValidator(Provider<CurrencyConverter> converters, Provider<ProfileSettings> settings) {
        this.converters = converters;
        this.settingsProvider = settings;
    }

    @Override
    public boolean isValid(PurchaseCompleted order, ConstraintValidatorContext context) {
        if (order == null) {
            return true;
        }
        CurrencyConverter converter = converters.get();
        ProfileSettings settings = settingsProvider.get();
        context.disableDefaultConstraintViolation();
        boolean valid = true;
        int maxItems = settings.purchase().maxItems();
        if (order.items() != null && order.items().size() > maxItems) {
            valid = violation(context, "items", "an order may have at most " + maxItems + " items, this one has " + order.items().size());
        }
        Currency currency = currency(order.currency());
        if (order.currency() != null && order.currency().matches("[A-Z]{3}")) {
            if (currency == null) {
                valid = violation(context, "currency", order.currency() + " is not an ISO-4217 currency code");
            } else if (!converter.converts(order.currency())) {
                valid = violation(context, "currency", "no exchange rate is configured for " + order.currency()
                        + " (base currency " + converter.baseCurrency() + ")");
            }
        }
        if (currency != null && order.total() != null && order.total().stripTrailingZeros().scale() > Math.max(0, currency.getDefaultFractionDigits())) {
            valid = violation(context, "total", "has more decimal places than " + currency.getCurrencyCode() + " allows");
        }
        if (order.total() != null && order.items() != null && order.items().stream().allMatch(ConsistentOrderValidator::priced)) {
            BigDecimal sum = order.items().stream().map(LineItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
            if (sum.compareTo(order.total()) != 0) {
                valid = violation(context, "total", "is " + order.total().toPlainString() + " but the lines add up to " + sum.toPlainString());
            }
        }
        return valid;
    }

    private static boolean priced(LineItem item) {
        return item != null && item.quantity() != null && item.unitPrice() != null;
    }

    private static Currency currency(String code) {
        if (code == null) {
            return null;
        }
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException notIso) {
            return null;
        }
    }

    private static boolean violation(ConstraintValidatorContext context, String field, String message) {
        context.buildConstraintViolationWithTemplate(escape(message)).addPropertyNode(field).addConstraintViolation();
        return false;
    }

    /** Our messages are literal text; braces and $ would otherwise be read as EL / parameters. */
    private static String escape(String message) {
        return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
}
