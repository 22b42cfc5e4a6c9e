package com.example.profiles.ordering;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.customer.KeyedHash;
import com.example.profiles.profile.ProfileView;
import com.example.profiles.profile.ProfileView.Cart;
import com.example.profiles.profile.ProfileView.CartLine;

/**
 * The profiles a stream should produce, computed in memory the simplest way there is: every
 * event once, in event-time order. The real functions see the same events re-delivered and out
 * of order; their profiles must equal these.
 */
final class ProfileOracle {

    /** What a reader can compare: the profile without version and write times (they depend on arrival). */
    record Snapshot(long purchaseCount, long spendMinor, Long lastPurchaseAt, String lastOrderId, Map<String, List<Long>> affinity,
            List<String> recentSkus, Cart cart, Map<String, String> customer, String customerPosition, Map<String, Long> eventAt) {

        static Snapshot of(ProfileView view) {
            Map<String, List<Long>> affinity = new TreeMap<>();
            view.categoryAffinity().forEach((category, a) -> affinity.put(category, List.of(a.count(), a.spendMinor())));
            List<String> recent = view.recentSkus().stream().map(r -> r.sku() + "@" + r.purchasedAt()).toList();
            Map<String, Long> eventAt = new TreeMap<>();
            view.freshness().forEach((source, f) -> eventAt.put(source, f.eventAt()));
            return new Snapshot(view.purchases().count(), view.purchases().spendMinor(), view.purchases().lastPurchaseAt(),
                    view.purchases().lastOrderId(), affinity, recent, view.cart(),
                    view.customer() == null ? null : view.customer().attributes(), view.customer() == null ? null : view.customer().position(),
                    eventAt);
        }
    }

    private static final class Line {
        long quantity;
        long price;
        String category;

        Line(long quantity, long price, String category) {
            this.quantity = quantity;
            this.price = price;
            this.category = category;
        }
    }

    private static final class State {
        long count;
        long spend;
        Long lastAt;
        String lastOrder;
        final Map<String, long[]> affinity = new TreeMap<>();
        final Map<String, Long> skuTimes = new HashMap<>();
        String cartId = "";
        String cartStatus = "empty";
        String cartOrder = "";
        long cartUpdated = -1;
        boolean cartTouched;
        Map<String, Line> lines = new HashMap<>();
        Map<String, String> customer;
        String position;
        final Map<String, Long> eventAt = new TreeMap<>();
        /** Erased, and no event since. */
        boolean erased;
    }

    private final CurrencyConverter currencies;
    private final KeyedHash hash;
    private final int recentSkus;
    private final Map<String, State> users = new HashMap<>();

    ProfileOracle(CurrencyConverter currencies, KeyedHash hash, int recentSkus) {
        this.currencies = currencies;
        this.hash = hash;
        this.recentSkus = recentSkus;
    }

    void applyInEventTimeOrder(List<GeneratedEvent> events) {
        List<GeneratedEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(GeneratedEvent::time).thenComparing(e -> e.id() == null ? "" : e.dedupKey()));
        for (GeneratedEvent event : ordered) {
            if (event.function().equals("customer") && "d".equals(event.data().get("op"))) {
                // Erasure: nothing learned up to here stays; what comes after starts a new profile.
                State erased = new State();
                erased.erased = true;
                users.put(event.userId(), erased);
                continue;
            }
            State state = users.computeIfAbsent(event.userId(), u -> new State());
            state.erased = false;
            switch (event.function()) {
                case "purchase" -> purchase(state, event);
                case "cart" -> cartStep(state, event.time(), (String) event.data().get("action"), event.data());
                case "customer" -> customer(state, event);
                default -> throw new IllegalArgumentException(event.function());
            }
        }
    }

    /** The expected profile; empty when the user was erased and nothing happened after. */
    Optional<Snapshot> expected(String user) {
        State s = users.get(user);
        if (s == null || s.erased) {
            return Optional.empty();
        }
        Map<String, List<Long>> affinity = new TreeMap<>();
        s.affinity.forEach((category, a) -> affinity.put(category, List.of(a[0], a[1])));
        List<String> recent = s.skuTimes.entrySet().stream()
                .sorted(Map.Entry.<String, Long> comparingByValue().thenComparing(Map.Entry.comparingByKey()).reversed())
                .limit(recentSkus)
                .map(e -> e.getKey() + "@" + e.getValue())
                .toList();
        Cart cart = null;
        if (!s.cartId.isEmpty()) {
            List<CartLine> lines = new ArrayList<>();
            long items = 0;
            long value = 0;
            for (Map.Entry<String, Line> e : s.lines.entrySet()) {
                Line l = e.getValue();
                lines.add(new CartLine(e.getKey(), l.category, l.quantity, l.price));
                items += l.quantity;
                value += l.quantity * l.price;
            }
            lines.sort(Comparator.comparing(CartLine::sku));
            cart = new Cart(s.cartId, s.cartStatus, lines, items, value, s.cartUpdated, s.cartOrder.isEmpty() ? null : s.cartOrder);
        }
        return Optional.of(new Snapshot(s.count, s.spend, s.lastAt, s.lastOrder, affinity, recent, cart, s.customer, s.position, s.eventAt));
    }

    @SuppressWarnings("unchecked")
    private void purchase(State s, GeneratedEvent event) {
        Map<String, Object> data = event.data();
        String currency = (String) data.get("currency");
        String order = (String) data.get("orderId");
        long t = event.time();
        s.count++;
        s.spend += currencies.toBaseMinorUnits((BigDecimal) data.get("total"), currency);
        for (Object o : (List<Object>) data.get("items")) {
            Map<String, Object> item = (Map<String, Object>) o;
            int quantity = (Integer) item.get("quantity");
            long[] a = s.affinity.computeIfAbsent((String) item.get("category"), c -> new long[2]);
            a[0] += quantity;
            a[1] += currencies.toBaseMinorUnits(((BigDecimal) item.get("unitPrice")).multiply(BigDecimal.valueOf(quantity)), currency);
            s.skuTimes.merge((String) item.get("sku"), t, Math::max);
        }
        if (s.lastAt == null || t > s.lastAt || (t == s.lastAt && order.compareTo(s.lastOrder) > 0)) {
            s.lastAt = t;
            s.lastOrder = order;
        }
        s.eventAt.merge("purchase", t, Math::max);
        String cart = (String) data.get("cartId");
        if (cart != null && !s.cartId.isEmpty() && s.cartId.equals(cart)) {
            s.lines = new HashMap<>();
            s.cartStatus = "converted";
            s.cartOrder = order;
            s.cartUpdated = Math.max(s.cartUpdated, t);
            s.eventAt.merge("cart", t, Math::max);
        }
    }

    /** The same rules as cart-lib.lua's cart_step. */
    private void cartStep(State s, long t, String action, Map<String, Object> data) {
        String cart = (String) data.get("cartId");
        if (!s.cartId.equals(cart)) {
            s.lines = new HashMap<>();
            s.cartId = cart;
            s.cartOrder = "";
        }
        String sku = (String) data.get("sku");
        switch (action) {
            case "ITEM_ADDED" -> {
                Line existing = s.lines.get(sku);
                long quantity = (Integer) data.get("quantity") + (existing == null ? 0 : existing.quantity);
                s.lines.put(sku, new Line(quantity, price(data), (String) data.get("category")));
            }
            case "ITEM_REMOVED" -> s.lines.remove(sku);
            case "QUANTITY_SET" -> {
                int quantity = (Integer) data.get("quantity");
                if (quantity == 0) {
                    s.lines.remove(sku);
                } else {
                    s.lines.put(sku, new Line(quantity, price(data), (String) data.get("category")));
                }
            }
            case "CART_CLEARED" -> s.lines = new HashMap<>();
            default -> throw new IllegalArgumentException(action);
        }
        s.cartStatus = s.lines.isEmpty() ? "empty" : "active";
        s.cartUpdated = Math.max(s.cartUpdated, t);
        s.eventAt.merge("cart", t, Math::max);
    }

    private long price(Map<String, Object> data) {
        return currencies.toBaseMinorUnits((BigDecimal) data.get("unitPrice"), (String) data.get("currency"));
    }

    @SuppressWarnings("unchecked")
    private void customer(State s, GeneratedEvent event) {
        Map<String, Object> envelope = event.data();
        Map<String, Object> source = (Map<String, Object>) envelope.get("source");
        Map<String, String> attributes = s.customer == null ? new TreeMap<>() : new TreeMap<>(s.customer);
        ((Map<String, Object>) envelope.get("after")).forEach((column, value) -> {
            if (column.equals("id")) {
                return;
            }
            String field = column.equals("email") ? "email_hash" : column;
            if (value == null) {
                attributes.remove(field);
            } else {
                attributes.put(field, column.equals("email") ? hash.of(value.toString()) : value.toString());
            }
        });
        s.customer = attributes;
        s.position = String.format("%020d:%020d", (Long) source.get("lsn"), (Long) source.get("txId"));
        s.eventAt.merge("customer", event.time(), Math::max);
    }
}
