package com.example.profiles.customer;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A column's type as a Kafka Connect schema describes it: the schema type ({@code string},
 * {@code int32}, {@code bytes}, {@code struct}...), the logical type's name when there is one
 * ({@code org.apache.kafka.connect.data.Decimal}, {@code io.debezium.time.Date}...), and for a
 * {@code Decimal} its scale.
 */
@RegisterForReflection
public record ColumnType(String type, String name, Integer scale) {

    private static final Pattern DECIMAL_HINT = Pattern.compile("(?:decimal|" + Pattern.quote(DebeziumValues.DECIMAL) + ")\\((\\d{1,3})\\)");

    /** A logical type named without a schema (profiles.customer.column-types, for schemaless JSON). */
    public static ColumnType named(String name) {
        return new ColumnType(null, name, null);
    }

    /**
     * The type a {@code profiles.customer.column-types} entry declares. A Kafka Connect Decimal
     * (Debezium's default {@code decimal.handling.mode=precise}) is sent without a schema as the
     * base64 of its unscaled value, which only its scale turns back into a number, so it is declared
     * with the scale: {@code decimal(2)} (or {@code org.apache.kafka.connect.data.Decimal(2)}). A
     * Decimal declared without its scale would be stored as base64 text looking like a value: it is
     * refused at start.
     */
    static ColumnType declared(String column, String hint) {
        String trimmed = hint.strip();
        Matcher decimal = DECIMAL_HINT.matcher(trimmed);
        if (decimal.matches()) {
            return new ColumnType("bytes", DebeziumValues.DECIMAL, Integer.valueOf(decimal.group(1)));
        }
        if (trimmed.equalsIgnoreCase("decimal") || trimmed.startsWith(DebeziumValues.DECIMAL) || trimmed.startsWith("decimal(")) {
            throw new IllegalStateException("profiles.customer.column-types." + column + "=" + trimmed
                    + ": declare a decimal with its scale, e.g. decimal(2): without a schema, Debezium sends a Decimal as"
                    + " the base64 of its unscaled value, which only the scale turns back into the number");
        }
        return named(trimmed);
    }

    /**
     * The column types of one side ({@code before} or {@code after}) of an envelope schema
     * ({@code {"type": "struct", "fields": [{"field": "before", "type": "struct", "fields": [...]}, ...]}}),
     * empty when the schema does not describe it.
     */
    static Map<String, ColumnType> of(JsonNode envelopeSchema, String side) {
        Map<String, ColumnType> types = new HashMap<>();
        if (envelopeSchema == null) {
            return types;
        }
        for (JsonNode field : envelopeSchema.path("fields")) {
            if (!side.equals(field.path("field").asText())) {
                continue;
            }
            for (JsonNode column : field.path("fields")) {
                JsonNode scale = column.path("parameters").path("scale");
                types.put(column.path("field").asText(), new ColumnType(text(column.get("type")), text(column.get("name")),
                        scale.isMissingNode() ? null : Integer.valueOf(scale.asInt())));
            }
        }
        return types;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
