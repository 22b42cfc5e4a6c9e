package com.example.profiles.cart;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.CurrencyRules;
import com.example.profiles.core.Violations;

/** Checks {@link ConsistentCartChange}. The converter is looked up per call: see ConsistentOrderValidator. */
public class ConsistentCartChangeValidator implements ConstraintValidator<ConsistentCartChange, CartChanged> {

    private final Provider<CurrencyConverter> converters;

    @Inject
    public ConsistentCartChangeValidator(Provider<CurrencyConverter> converters) {
        this.converters = converters;
    }

    @Override
    public boolean isValid(CartChanged change, ConstraintValidatorContext context) {
        if (change == null || change.action() == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        CartAction action = change.action();
        boolean valid = true;
        if (action != CartAction.CART_CLEARED && change.sku() == null) {
            valid = Violations.add(context, "sku", "is required for " + action);
        }
        if ((action == CartAction.ITEM_ADDED || action == CartAction.QUANTITY_SET) && change.quantity() == null) {
            valid = Violations.add(context, "quantity", "is required for " + action);
        }
        if (action == CartAction.ITEM_ADDED && change.quantity() != null && change.quantity() == 0) {
            valid = Violations.add(context, "quantity", "must be greater than 0 for ITEM_ADDED");
        }
        boolean priced = action == CartAction.ITEM_ADDED || (action == CartAction.QUANTITY_SET && change.quantity() != null && change.quantity() > 0);
        if (priced) {
            if (change.category() == null) {
                valid = Violations.add(context, "category", "is required for " + action);
            }
            if (change.unitPrice() == null) {
                valid = Violations.add(context, "unitPrice", "is required for " + action);
            }
            if (change.currency() == null) {
                valid = Violations.add(context, "currency", "is required for " + action);
            }
        }
        if (CurrencyRules.isCode(change.currency())) {
            var problem = CurrencyRules.problemWith(change.currency(), converters.get());
            if (problem.isPresent()) {
                valid = Violations.add(context, "currency", problem.get());
            }
        }
        return valid;
    }
}
