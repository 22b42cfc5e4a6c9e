package com.example.profiles.hostile;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile event data, the same on every CloudEvents channel (HTTP binary
 * and structured, Kafka binary and structured): absurd magnitudes, amounts that would overflow,
 * times outside the window or not times at all, duplicate keys, control characters and unpaired
 * surrogates in ids, data of the wrong shape. Each is refused as invalid and names its field.
 */
final class HostileData {

    static final String PURCHASE_TYPE = "com.example.commerce.purchase.completed.v1";
    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";

    /**
     * @param function purchase or cart
     * @param data the event data as raw JSON text
     * @param field the violation's field (where the channel names it; a JSON syntax problem is
     *        named on "data" or "event" depending on what was parsed, so it is null there)
     * @param fragment a part of the violation's message
     */
    record Case(String name, String function, String data, String field, String fragment) {

        String type() {
            return function.equals("purchase") ? PURCHASE_TYPE : CART_TYPE;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private HostileData() {
    }

    /** A valid order of 2 x 50.00 EUR from a minute ago, for the user. */
    static RawJson purchase(String user, String orderId) {
        return new RawJson()
                .set("userId", RawJson.str(user))
                .set("orderId", RawJson.str(orderId))
                .set("currency", "\"EUR\"")
                .set("occurredAt", RawJson.str(Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS).toString()))
                .set("items", "[" + item("SHOE-1", "shoes", "2", "50.00") + "]")
                .set("total", "100.00");
    }

    static String item(String sku, String category, String quantity, String unitPrice) {
        return new RawJson().set("sku", RawJson.str(sku)).set("category", RawJson.str(category)).set("quantity", quantity)
                .set("unitPrice", unitPrice).toString();
    }

    /** A valid ITEM_ADDED of 1 x 7.50 EUR from a minute ago, for the user. */
    static RawJson cart(String user, String cartId) {
        return new RawJson()
                .set("userId", RawJson.str(user))
                .set("cartId", RawJson.str(cartId))
                .set("action", "\"ITEM_ADDED\"")
                .set("sku", "\"SOCK-3PK\"")
                .set("category", "\"apparel\"")
                .set("quantity", "1")
                .set("unitPrice", "7.50")
                .set("currency", "\"EUR\"")
                .set("occurredAt", RawJson.str(Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS).toString()));
    }

    /** Every hostile data case for events of the user. */
    static List<Case> cases(String user) {
        List<Case> cases = new ArrayList<>();
        String outOfRange = "is out of range";
        // --- numbers: bounded before they are parsed, never echoed
        cases.add(purchaseCase("total 1e1000000", purchase(user, "o").set("total", "1e1000000"), "total", outOfRange));
        cases.add(purchaseCase("total 1e10000000", purchase(user, "o").set("total", "1e10000000"), "total", outOfRange));
        cases.add(purchaseCase("total -1e1000000", purchase(user, "o").set("total", "-1e1000000"), "total", outOfRange));
        cases.add(purchaseCase("unit price 1e1000000", purchase(user, "o").set("items", "[" + item("S", "c", "1", "1e1000000") + "]"),
                "items[0].unitPrice", outOfRange));
        cases.add(purchaseCase("quantity 1e1000000", purchase(user, "o").set("items", "[" + item("S", "c", "1e1000000", "1") + "]"),
                "items[0].quantity", "is not a valid whole number"));
        cases.add(purchaseCase("quantity of 41 digits", purchase(user, "o").set("items", "[" + item("S", "c", "1" + "0".repeat(40), "1") + "]"),
                "items[0].quantity", "is out of range for a whole number"));
        cases.add(purchaseCase("unit price and total 1e-400 (a double reads 0)",
                purchase(user, "o").set("items", "[" + item("S", "c", "1", "1e-400") + "]").set("total", "1e-400"), "items[0].unitPrice",
                outOfRange));
        cases.add(purchaseCase("total with 17 significant digits (a double reads 100.00)", purchase(user, "o").set("total", "100.00000000000001"),
                "total", "numeric value out of bounds"));
        cases.add(purchaseCase("100000 x 999999999999.9999 as an order",
                purchase(user, "o").set("items", "[" + item("S", "c", "100000", "999999999999.9999") + "]").set("total", "99999999999999990"),
                "total", "numeric value out of bounds"));
        cases.add(purchaseCase("an order worth more than the amount limit",
                purchase(user, "o").set("items", "[" + item("S", "c", "100000", "99999999.99") + "]").set("total", "9999999999000.00"),
                "total", "is worth more than 100000000000.00 EUR"));
        // --- times: a sane window, never coerced
        cases.add(purchaseCase("occurredAt 1e308 (a number)", purchase(user, "o").set("occurredAt", "1e308"), "occurredAt", "must be an RFC 3339 time"));
        cases.add(purchaseCase("occurredAt 0 (epoch as a number)", purchase(user, "o").set("occurredAt", "0"), "occurredAt", "must be an RFC 3339 time"));
        cases.add(purchaseCase("occurredAt in year -999999999 (no epoch milliseconds)",
                purchase(user, "o").set("occurredAt", "\"-999999999-01-01T00:00:00Z\""), "occurredAt", "lies before 2000-01-01T00:00:00Z"));
        cases.add(purchaseCase("occurredAt before 1970", purchase(user, "o").set("occurredAt", "\"1969-12-31T23:59:59Z\""), "occurredAt", "lies before"));
        cases.add(purchaseCase("occurredAt at the epoch", purchase(user, "o").set("occurredAt", "\"1970-01-01T00:00:00Z\""), "occurredAt", "lies before"));
        cases.add(purchaseCase("occurredAt in year 999999999", purchase(user, "o").set("occurredAt", "\"+999999999-12-31T23:59:59Z\""), "occurredAt",
                "in the future"));
        cases.add(purchaseCase("occurredAt without an offset", purchase(user, "o").set("occurredAt", "\"2026-11-26T09:00:00\""), "occurredAt",
                "must be an RFC 3339 time"));
        cases.add(purchaseCase("occurredAt empty", purchase(user, "o").set("occurredAt", "\"\""), "occurredAt", "must be an RFC 3339 time"));
        // --- the JSON itself
        cases.add(purchaseCase("a duplicate key (total twice)", purchase(user, "o").add("total", "0"), null, "has the key 'total' twice"));
        cases.add(purchaseCase("a duplicate key (userId twice)", purchase(user, "o").add("userId", RawJson.str("someone-else")), null,
                "has the key 'userId' twice"));
        cases.add(new Case("data a JSON array", "purchase", "[" + purchase(user, "o") + "]", "data", "must be an object"));
        cases.add(new Case("data a string", "purchase", "\"purchase\"", "data", "must be an object"));
        cases.add(purchaseCase("an unknown field nested 3000 deep", purchase(user, "o").set("extra", "[".repeat(3000) + "]".repeat(3000)), null,
                "nesting depth"));
        cases.add(purchaseCase("userId a number", purchase(user, "o").set("userId", "0"), "userId", "must be text (a JSON string), not a number"));
        cases.add(purchaseCase("orderId a number", purchase(user, "o").set("orderId", "1.5"), "orderId", "must be text (a JSON string), not a number"));
        cases.add(purchaseCase("cartId true", purchase(user, "o").set("cartId", "true"), "cartId", "must be text (a JSON string), not a boolean"));
        // --- text that would not survive as it was sent
        cases.add(purchaseCase("orderId with NUL", purchase(user, "o\u0000x"), "orderId", "control characters"));
        cases.add(purchaseCase("orderId with CR LF", purchase(user, "o\r\nx"), "orderId", "control characters"));
        cases.add(purchaseCase("cartId with LF", purchase(user, "o").set("cartId", RawJson.str("cart\n1")), "cartId", "control characters"));
        cases.add(purchaseCase("userId with NUL", purchase(user + "\u0000", "o"), "userId", "must be 1 to 128 letters"));
        cases.add(purchaseCase("SKU with an unpaired high surrogate", purchase(user, "o").set("items", "[" + item("SKU-\uD800", "c", "2", "50.00") + "]"),
                "items[0].sku", "unpaired surrogate"));
        cases.add(purchaseCase("category with an unpaired low surrogate",
                purchase(user, "o").set("items", "[" + item("SKU-1", "\uDC00", "2", "50.00") + "]"), "items[0].category", "unpaired surrogate"));
        // --- cart
        cases.add(cartCase("the issue's cart: 100000 x 999999999999.9999", cart(user, "c").set("quantity", "100000").set("unitPrice", "999999999999.9999"),
                "unitPrice", "is worth more than 100000000000.00 EUR"));
        cases.add(cartCase("a cart line worth more than the amount limit", cart(user, "c").set("quantity", "100000").set("unitPrice", "99999999.99"),
                "quantity", "the line (quantity × unitPrice) is worth more than"));
        cases.add(cartCase("cart unit price 1e1000000", cart(user, "c").set("unitPrice", "1e1000000"), "unitPrice", outOfRange));
        cases.add(cartCase("cart quantity 1e1000000", cart(user, "c").set("quantity", "1e1000000"), "quantity", "is not a valid whole number"));
        cases.add(cartCase("cart occurredAt 1e308", cart(user, "c").set("occurredAt", "1e308"), "occurredAt", "must be an RFC 3339 time"));
        cases.add(cartCase("cart occurredAt in year -999999999", cart(user, "c").set("occurredAt", "\"-999999999-01-01T00:00:00Z\""), "occurredAt",
                "lies before"));
        cases.add(cartCase("cartId with LF", cart(user, "c\nd"), "cartId", "control characters"));
        cases.add(cartCase("cart SKU with an unpaired surrogate", cart(user, "c").set("sku", RawJson.str("SOCK-\uDBFF")), "sku", "unpaired surrogate"));
        cases.add(cartCase("cart SKU with NUL", cart(user, "c").set("sku", RawJson.str("SOCK\u0000")), "sku", "control characters"));
        cases.add(cartCase("cart action twice", cart(user, "c").add("action", "\"CART_CLEARED\""), null, "has the key 'action' twice"));
        cases.add(cartCase("cart action unknown", cart(user, "c").set("action", "\"ITEM_EXPLODED\""), "action", "must be one of [ITEM_ADDED"));
        return cases;
    }

    private static Case purchaseCase(String name, RawJson data, String field, String fragment) {
        return new Case(name, "purchase", data.toString(), field, fragment);
    }

    private static Case cartCase(String name, RawJson data, String field, String fragment) {
        return new Case(name, "cart", data.toString(), field, fragment);
    }
}
