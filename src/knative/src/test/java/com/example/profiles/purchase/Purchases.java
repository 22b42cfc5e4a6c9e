package com.example.profiles.purchase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Purchase event data for tests, as the mutable JSON tree a producer would send. */
final class Purchases {

    private Purchases() {
    }

    static Map<String, Object> item(String sku, String category, Object quantity, Object unitPrice) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", sku);
        item.put("category", category);
        item.put("quantity", quantity);
        item.put("unitPrice", unitPrice);
        return item;
    }

    /** An order of two shoes lines and one apparel line: 2 x 50.00 + 1 x 19.99 + 3 x 5.00 = 134.99. */
    static Map<String, Object> order(String userId, String orderId, String currency) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", userId);
        order.put("orderId", orderId);
        order.put("currency", currency);
        List<Object> items = new ArrayList<>();
        items.add(item("SHOE-1", "shoes", 2, new java.math.BigDecimal("50.00")));
        items.add(item("SHIRT-7", "apparel", 1, new java.math.BigDecimal("19.99")));
        items.add(item("SHOE-2", "shoes", 3, new java.math.BigDecimal("5.00")));
        order.put("items", items);
        order.put("total", new java.math.BigDecimal("134.99"));
        return order;
    }
}
