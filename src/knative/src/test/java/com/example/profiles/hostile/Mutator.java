package com.example.profiles.hostile;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mutates a sample CloudEvent the way careless or hostile producers do, from a seeded
 * {@link Random} so a run can be repeated: members removed, renamed or duplicated, values replaced
 * by hostile ones (absurd magnitudes, times outside any window, control characters, unpaired
 * surrogates, other types), attributes swapped, data wrapped or replaced, and the JSON text
 * itself cut, spliced or broken. The result is the request's text: it need not be JSON.
 */
final class Mutator {

    /** Numbers stay as written (1e1000000 is not infinity, 99999999999999.99 not a double). */
    static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    /** Hostile values as raw JSON. */
    static final List<String> PALETTE = List.of(
            "1e1000000", "-1e1000000", "1e10000000", "1e-400", "0", "-1", "1.5", "100000", "100001", "99999999999999.99", "999999999999.9999",
            "1e308", "12345678901234567890123", "100.00000000000001", "\"\"", "\"\\u0000\"", "\"a\\r\\nb\"", "\"x\\ud800\"", "\"\\udc00y\"",
            "\"" + "A".repeat(300) + "\"", "\"-999999999-01-01T00:00:00Z\"", "\"1970-01-01T00:00:00Z\"", "\"+999999999-12-31T23:59:59Z\"",
            "\"2026-11-26T09:00:00\"", "\"yesterday\"", "true", "null", "[]", "{}", "[1,2]", "\"ITEM_ADDED\"", "\"QUANTITY_SET\"",
            "\"CART_CLEARED\"", "\"ITEM_REMOVED\"", "\"d\"", "\"x\"", "\"EUR\"", "\"USD\"", "\"XYZ\"", "\"eur\"", "\"shopper-42\"",
            "\"a}b\"", "\"com.example.commerce.cart.changed.v1\"", "\"com.example.commerce.purchase.completed.v1\"",
            "\"com.example.customers.changed.v1\"", "\"com.example.unknown.v1\"", "\"0.3\"", "\"application/xml\"", "\"Application/JSON\"", "\"application/json; charset=utf-8\"", "\"bm90IGpzb24=\"");

    /** Characters a text mutation inserts: JSON's own, a NUL, a non-ASCII letter, half a surrogate pair, digits. */
    private static final String INSERTED = "{}[]\",:\\\u0000\u00e9\uD800 0e9-";

    private final Random random;

    Mutator(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** One to three mutations of the event (the tree is changed in place), as request text. */
    String mutate(ObjectNode event) {
        int count = 1 + random.nextInt(3);
        String text = null;
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            if (text == null && kind < 7) {
                mutateTree(event, kind);
            } else {
                text = mutateText(text == null ? event.toString() : text, event);
            }
        }
        return text == null ? event.toString() : text;
    }

    /** One mutation of the event's tree (the tree is changed in place). */
    void mutateTree(ObjectNode event) {
        mutateTree(event, random.nextInt(7));
    }

    /** One mutation of the JSON text: a character dropped or inserted, the text cut or spliced, a member written twice. */
    String mutateText(String text, JsonNode namesFrom) {
        return random.nextInt(4) == 0 ? duplicateMember(text, namesFrom) : mutateText(text);
    }

    private void mutateTree(ObjectNode event, int kind) {
        List<Map.Entry<ObjectNode, String>> members = new ArrayList<>();
        collect(event, members);
        if (members.isEmpty()) {
            return;
        }
        Map.Entry<ObjectNode, String> member = members.get(random.nextInt(members.size()));
        ObjectNode parent = member.getKey();
        String name = member.getValue();
        switch (kind) {
            case 0 -> parent.remove(name);
            case 1, 2, 3 -> parent.set(name, palette());
            case 4 -> {
                JsonNode value = parent.remove(name);
                String renamed = random.nextBoolean() ? name.toUpperCase() : name + "_";
                parent.set(renamed, value);
            }
            case 5 -> {
                JsonNode data = event.get("data");
                if (data != null) {
                    ArrayNode wrapped = JSON.createArrayNode().add(data);
                    event.set("data", random.nextBoolean() ? wrapped : JSON.getNodeFactory().textNode(data.toString()));
                }
            }
            default -> {
                JsonNode value = parent.get(name);
                if (value != null && value.isNumber()) {
                    parent.put(name, value.asText());
                } else if (value != null && value.isTextual()) {
                    parent.set(name, palette());
                } else {
                    parent.putArray(name).add(value == null ? JSON.nullNode() : value);
                }
            }
        }
    }

    private String mutateText(String text) {
        if (text.isEmpty()) {
            return "{";
        }
        int at = random.nextInt(text.length());
        return switch (random.nextInt(5)) {
            case 0 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(4)));
            case 1 -> text.substring(0, at) + INSERTED.charAt(random.nextInt(INSERTED.length())) + text.substring(at);
            case 2 -> text.substring(0, at);
            case 3 -> text.substring(0, at) + text.substring(random.nextInt(text.length()));
            default -> "[" + text + "]";
        };
    }

    /** Writes one member of some object a second time, with a hostile value: a duplicate key. */
    private String duplicateMember(String text, JsonNode event) {
        List<Map.Entry<ObjectNode, String>> members = new ArrayList<>();
        collect(event, members);
        if (members.isEmpty()) {
            return text;
        }
        String name = members.get(random.nextInt(members.size())).getValue();
        int at = text.indexOf("\"" + name + "\":");
        if (at < 0) {
            return text;
        }
        return text.substring(0, at) + "\"" + name + "\":" + palette() + "," + text.substring(at);
    }

    private JsonNode palette() {
        try {
            return JSON.readTree(PALETTE.get(random.nextInt(PALETTE.size())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the palette is JSON", e);
        }
    }

    /** Every (object, member name) of the tree. */
    private static void collect(JsonNode node, List<Map.Entry<ObjectNode, String>> into) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
                String name = names.next();
                into.add(Map.entry(object, name));
                collect(object.get(name), into);
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(element -> collect(element, into));
        }
    }
}
