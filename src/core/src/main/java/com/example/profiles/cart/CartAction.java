package com.example.profiles.cart;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What happened to the cart. */
@RegisterForReflection
public enum CartAction {
    /** {@code quantity} more of {@code sku} (added to what the line held). */
    ITEM_ADDED,
    /** The {@code sku} line is gone. */
    ITEM_REMOVED,
    /** The {@code sku} line now holds exactly {@code quantity} (0 removes it). */
    QUANTITY_SET,
    /** Every line is gone. */
    CART_CLEARED
}
