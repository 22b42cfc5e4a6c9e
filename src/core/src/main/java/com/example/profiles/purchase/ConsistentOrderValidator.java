package com.example.profiles.purchase;

import java.math.BigDecimal;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.CurrencyRules;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.Violations;

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
            valid = Violations.add(context, "items", "an order may have at most " + maxItems + " items, this one has " + order.items().size());
        }
        if (CurrencyRules.isCode(order.currency())) {
            Optional<String> problem = CurrencyRules.problemWith(order.currency(), converter);
            if (problem.isPresent()) {
                valid = Violations.add(context, "currency", problem.get());
            }
        }
        if (order.total() != null && CurrencyRules.finerThanMinorUnit(order.total(), order.currency())) {
            valid = Violations.add(context, "total", "has more decimal places than " + order.currency() + " allows");
        }
        if (order.total() != null && order.items() != null && order.items().stream().allMatch(ConsistentOrderValidator::priced)) {
            BigDecimal sum = order.items().stream().map(LineItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
            if (sum.compareTo(order.total()) != 0) {
                valid = Violations.add(context, "total", "is " + order.total().toPlainString() + " but the lines add up to " + sum.toPlainString());
            }
        }
        return valid;
    }

    private static boolean priced(LineItem item) {
        return item != null && item.quantity() != null && item.unitPrice() != null;
    }
}
