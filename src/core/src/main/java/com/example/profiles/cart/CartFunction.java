package com.example.profiles.cart;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.EventClock;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.core.ProfileUpdate;

/**
 * The cart function: a cart change ({@code com.example.commerce.cart.changed.v1}) updates the
 * shopper's live cart (lines, value in base minor units, item count, status, updated-at). Changes
 * are replayed in event-time order inside the lateness window (cart-lib.lua), so the cart ends
 * the same whatever order they arrive in. Its entry points are in each binding (KnativeFunctions, KafkaFunctions, KafkaBatchFunctions).
 */
@ApplicationScoped
public class CartFunction implements ProfileEventFunction<CartChanged> {

    public static final String NAME = "cart";
    /** The script this function's updates run; public so tools (the benchmark) load and call it without CDI. */
    public static final ProfileScript SCRIPT = ProfileScript.update("cart", "cart-lib");

    private final CurrencyConverter currencies;
    private final EventClock clock;

    public CartFunction(CurrencyConverter currencies, EventClock clock) {
        this.currencies = currencies;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<CartChanged> dataType() {
        return CartChanged.class;
    }

    @Override
    public ProfileUpdate toUpdate(CartChanged change, EventMeta meta) {
        long eventTime = clock.eventTimeMillis(change.occurredAt(), meta);
        long unitPriceMinor = change.unitPrice() == null || change.currency() == null ? 0
                : currencies.toBaseMinorUnits("unitPrice", change.unitPrice(), change.currency());
        if (change.quantity() != null && change.unitPrice() != null && change.currency() != null) {
            // The line this change asks for is one amount too (at most 10^5 units x 10^14: fits a long).
            currencies.toBaseMinorUnits("quantity", "the line (quantity × unitPrice)", change.unitPrice().multiply(java.math.BigDecimal.valueOf(change.quantity())),
                    change.currency());
        }
        List<String> args = List.of(
                change.action().name(),
                change.cartId(),
                change.sku() == null ? "" : change.sku(),
                change.category() == null ? "" : change.category(),
                Integer.toString(change.quantity() == null ? 0 : change.quantity()),
                Long.toString(unitPriceMinor));
        return new ProfileUpdate(change.userId(), NAME, eventTime, SCRIPT, args);
    }
}
