package com.example.profiles.ordering;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A reproducible stream of purchase, cart and customer-change events for many users, the way a
 * shop produces them: carts filled and changed, orders placed from carts (converting them) or
 * not, customer rows created, updated and deleted: sometimes as the user's last event, and (with
 * {@code midStreamDeletes}) anywhere in between, the row later re-inserted while the shopper goes on
 * shopping, so that deletes meet older and newer events in every arrival order.
 */
final class StreamGenerator {

    record Product(String sku, String category, BigDecimal price, String currency) {
    }

    static final List<Product> CATALOG = List.of(
            new Product("SHOE-1", "shoes", new BigDecimal("59.90"), "EUR"),
            new Product("SHOE-2", "shoes", new BigDecimal("89.00"), "EUR"),
            new Product("SOCK-1", "apparel", new BigDecimal("4.99"), "EUR"),
            new Product("SHIRT-1", "apparel", new BigDecimal("19.99"), "USD"),
            new Product("HAT-1", "accessories", new BigDecimal("14.50"), "USD"),
            new Product("BAG-1", "accessories", new BigDecimal("120.00"), "EUR"),
            new Product("BOOK-1", "books", new BigDecimal("12.00"), "GBP"),
            new Product("BOOK-2", "books", new BigDecimal("7.25"), "EUR"),
            new Product("LAMP-1", "home", new BigDecimal("33.33"), "USD"),
            new Product("MUG-1", "home", new BigDecimal("8.80"), "EUR"),
            new Product("PEN-1", "office", new BigDecimal("1.15"), "EUR"),
            new Product("DESK-1", "office", new BigDecimal("249.00"), "EUR"));

    private final Random random;
    private final String runId;
    private long lsn = 30_000_000;

    StreamGenerator(long seed, String runId) {
        this.random = new Random(seed);
        this.runId = runId;
    }

    /**
     * @param users how many users
     * @param eventsPerUser about how many events each user gets
     * @param start the first event time; events of a user are 0.2 to 3 s apart
     * @param deleteGapMillis how long after a user's other events a final delete comes
     * @param midStreamDeletes whether customer rows are also deleted (and re-inserted) between other
     *        events; false gives the stream of the same seed without them, draw for draw
     */
    List<GeneratedEvent> generate(int users, int eventsPerUser, long start, long deleteGapMillis, boolean midStreamDeletes) {
        List<GeneratedEvent> events = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "gen-" + runId + "-" + u;
            long time = start + random.nextInt(5_000);
            String cart = user + "-cart-1";
            int carts = 1;
            int orders = 0;
            Map<String, Object> row = null;
            Map<String, Integer> cartLines = new HashMap<>();
            for (int i = 0; i < eventsPerUser; i++) {
                time += 200 + random.nextInt(2_800);
                int dice = random.nextInt(100);
                if (dice < 45) {
                    events.add(cartChange(user, cart, time, cartLines));
                } else if (dice < 75) {
                    boolean fromCart = !cartLines.isEmpty() && random.nextInt(3) > 0;
                    events.add(purchase(user, user + "-order-" + (++orders), fromCart ? cart : null, time));
                    if (fromCart) {
                        cartLines.clear();
                        if (random.nextBoolean()) {
                            cart = user + "-cart-" + (++carts);
                        }
                    }
                } else if (midStreamDeletes && row != null && random.nextInt(3) == 0) {
                    events.add(change(user, "d", row, null, time));
                    row = null;
                } else {
                    String op = row == null ? (random.nextBoolean() ? "c" : "r") : "u";
                    row = customerRow(user, row);
                    events.add(change(user, op, null, row, time));
                }
            }
            if (row != null && random.nextInt(6) == 0) {
                events.add(change(user, "d", row, null, time + deleteGapMillis));
            }
        }
        return events;
    }

    private GeneratedEvent cartChange(String user, String cart, long time, Map<String, Integer> lines) {
        Product product = CATALOG.get(random.nextInt(CATALOG.size()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", user);
        data.put("cartId", cart);
        int dice = random.nextInt(100);
        String action = dice < 55 ? "ITEM_ADDED" : dice < 75 ? "QUANTITY_SET" : dice < 95 ? "ITEM_REMOVED" : "CART_CLEARED";
        data.put("action", action);
        if (!action.equals("CART_CLEARED")) {
            data.put("sku", product.sku());
        }
        if (action.equals("ITEM_ADDED") || action.equals("QUANTITY_SET")) {
            int quantity = action.equals("ITEM_ADDED") ? 1 + random.nextInt(3) : random.nextInt(5);
            data.put("quantity", quantity);
            data.put("category", product.category());
            data.put("unitPrice", product.price());
            data.put("currency", product.currency());
            lines.merge(product.sku(), quantity, Integer::sum);
        } else if (action.equals("ITEM_REMOVED")) {
            lines.remove(product.sku());
        } else {
            lines.clear();
        }
        data.put("occurredAt", java.time.Instant.ofEpochMilli(time).toString());
        return new GeneratedEvent("cart", user, time, "cart-" + java.util.UUID.randomUUID(), "/gen/cart", data);
    }

    private GeneratedEvent purchase(String user, String orderId, String cartId, long time) {
        String currency = random.nextInt(4) == 0 ? "USD" : "EUR";
        List<Object> items = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        int lines = 1 + random.nextInt(3);
        for (int i = 0; i < lines; i++) {
            Product product = CATALOG.get(random.nextInt(CATALOG.size()));
            int quantity = 1 + random.nextInt(3);
            BigDecimal price = product.price();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("sku", product.sku());
            item.put("category", product.category());
            item.put("quantity", quantity);
            item.put("unitPrice", price);
            items.add(item);
            total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", user);
        data.put("orderId", orderId);
        if (cartId != null) {
            data.put("cartId", cartId);
        }
        data.put("occurredAt", java.time.Instant.ofEpochMilli(time).toString());
        data.put("currency", currency);
        data.put("items", items);
        data.put("total", total);
        return new GeneratedEvent("purchase", user, time, "purchase-" + java.util.UUID.randomUUID(), "/gen/checkout", data);
    }

    private Map<String, Object> customerRow(String user, Map<String, Object> previous) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user);
        row.put("email", previous != null && random.nextBoolean() ? previous.get("email") : user + "." + random.nextInt(1000) + "@example.com");
        row.put("tier", List.of("bronze", "silver", "gold", "platinum").get(random.nextInt(4)));
        row.put("city", random.nextInt(5) == 0 ? null : List.of("Oslo", "Bergen", "Lyon", "Porto", "Graz").get(random.nextInt(5)));
        row.put("marketing_opt_in", random.nextBoolean());
        return row;
    }

    private GeneratedEvent change(String user, String op, Map<String, Object> before, Map<String, Object> after, long time) {
        lsn += 16 + random.nextInt(4_000);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("version", "3.6.1.Final");
        source.put("connector", "postgresql");
        source.put("name", "shop");
        source.put("ts_ms", time);
        source.put("snapshot", op.equals("r") ? "last" : "false");
        source.put("db", "shop");
        source.put("schema", "public");
        source.put("table", "customers");
        source.put("txId", 1_000 + lsn / 1_000);
        source.put("lsn", lsn);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("before", before);
        envelope.put("after", after);
        envelope.put("source", source);
        envelope.put("op", op);
        envelope.put("ts_ms", time + 120);
        return new GeneratedEvent("customer", user, time, null, null, envelope);
    }
}
