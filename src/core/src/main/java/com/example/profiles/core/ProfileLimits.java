package com.example.profiles.core;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The bounds that keep a profile's numbers exact ({@link ProfileSettings.Limits}), as the update
 * scripts receive them, and what a script's refusal means to the producer. A single amount is
 * held to its bound in Java ({@link CurrencyConverter}); the running totals only the script can
 * judge, with the profile's own values, before it writes anything.
 */
@ApplicationScoped
public class ProfileLimits {

    /** The most units one line may hold: an order line, a cart change, a cart's line for one SKU. */
    public static final int MAX_QUANTITY = 100_000;

    private final long maxAmountMinor;
    private final long maxProfileTotal;
    private final List<String> scriptArgs;
    private final CurrencyConverter currencies;

    public ProfileLimits(ProfileSettings settings, CurrencyConverter currencies) {
        this.maxAmountMinor = settings.limits().maxAmountMinor();
        this.maxProfileTotal = settings.limits().maxProfileTotal();
        this.currencies = currencies;
        this.scriptArgs = List.of(Long.toString(maxProfileTotal), Long.toString(maxAmountMinor), Integer.toString(MAX_QUANTITY));
    }

    /** The prelude's limit arguments, in its order: max profile total, max amount, max quantity per line. */
    public List<String> scriptArgs() {
        return scriptArgs;
    }

    /**
     * The refusal an update script answered ({@code {'refused', version, 0, code, detail}}) as the
     * violation the producer sees. Nothing was written.
     */
    public ProfileLimitExceededException refusal(String code, String detail) {
        String total = currencies.describeMinor(maxProfileTotal);
        String setting = " (profiles.limits.max-profile-total)";
        Violation violation = switch (code) {
            case "spend" -> new Violation("total", "would take the profile's lifetime spend past " + total + setting);
            case "purchase-count" -> new Violation("event", "would take the profile's purchase count past " + maxProfileTotal + setting);
            case "category-spend" -> new Violation("items", "would take the spend in category " + detail + " past " + total + setting);
            case "category-count" -> new Violation("items", "would take the units bought in category " + detail + " past " + maxProfileTotal + setting);
            case "cart-line-quantity" -> new Violation("quantity", "would put more than " + MAX_QUANTITY + " units of one SKU in the cart");
            case "cart-line-value" -> new Violation("quantity", "would make one line of the cart worth more than "
                    + currencies.describeMinor(maxAmountMinor) + " (profiles.limits.max-amount-minor)");
            case "cart-value" -> new Violation("cart", "would make the cart worth more than " + total + setting);
            case "cart-items" -> new Violation("cart", "would put more than " + maxProfileTotal + " units in the cart" + setting);
            default -> new Violation("event", "exceeds a limit of the profile (" + code + ")");
        };
        return new ProfileLimitExceededException(violation);
    }
}
