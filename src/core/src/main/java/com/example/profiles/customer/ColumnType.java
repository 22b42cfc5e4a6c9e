package com.example.profiles.customer;

import java.util.HashMap;
import java.util.Map;

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

    /** A logical type named without a schema (profiles.customer.column-types, for schemaless JSON). */
    public static ColumnType named(String name) {
        return new ColumnType(null, name, null);
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
