package com.example.profiles.purchase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.EventClock;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileUpdate;

/**
 * The purchase function: a completed order ({@code com.example.commerce.purchase.completed.v1})
 * adds to the shopper's purchase count, lifetime spend and per-category affinity, moves the last
 * purchase time forward and records the SKUs bought. Its entry points are in each binding:
 * {@code KnativeFunctions}, {@code KafkaFunctions}, {@code KafkaBatchFunctions} (Lambda).
 */
@ApplicationScoped
public class PurchaseFunction implements ProfileEventFunction<PurchaseCompleted> {

    public static final String NAME = "purchase";
    /** The script this function's updates run; public so tools (the benchmark) load and call it without CDI. */
    public static final ProfileScript SCRIPT = ProfileScript.update("purchase", "cart-lib");
    private static final String LINE = "the line (quantity × unitPrice)";

    private final CurrencyConverter currencies;
    private final EventClock clock;
    private final ProfileSettings settings;

    public PurchaseFunction(CurrencyConverter currencies, EventClock clock, ProfileSettings settings) {
        this.currencies = currencies;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<PurchaseCompleted> dataType() {
        return PurchaseCompleted.class;
    }

    @Override
    public ProfileUpdate toUpdate(PurchaseCompleted order, EventMeta meta) {
        long eventTime = clock.eventTimeMillis(order.occurredAt(), meta);
        String currency = order.currency();
        // Each amount (the total, every line) is held to profiles.limits.max-amount-minor on the way;
        // the profile's running totals are the script's to check.
        long totalMinor = currencies.toBaseMinorUnits("total", order.total(), currency);

        // Lines of one category are summed here so the script does one HINCRBY per category.
        Map<String, long[]> byCategory = new LinkedHashMap<>();
        Set<String> skus = new LinkedHashSet<>();
        List<LineItem> items = order.items();
        for (int i = 0; i < items.size(); i++) {
            LineItem item = items.get(i);
            long[] quantityAndSpend = byCategory.computeIfAbsent(item.category(), c -> new long[2]);
            quantityAndSpend[0] += item.quantity();
            quantityAndSpend[1] += currencies.toBaseMinorUnits("items[" + i + "]", LINE, item.lineTotal(), currency);
            skus.add(item.sku());
        }

        List<String> args = new ArrayList<>(5 + 3 * byCategory.size() + skus.size());
        args.add(order.orderId());
        args.add(Long.toString(totalMinor));
        args.add(Integer.toString(settings.purchase().recentSkus()));
        args.add(order.cartId() == null ? "" : order.cartId());
        args.add(Integer.toString(byCategory.size()));
        byCategory.forEach((category, quantityAndSpend) -> {
            args.add(category);
            args.add(Long.toString(quantityAndSpend[0]));
            args.add(Long.toString(quantityAndSpend[1]));
        });
        args.addAll(skus);
        return new ProfileUpdate(order.userId(), NAME, eventTime, SCRIPT, args);
    }
}
