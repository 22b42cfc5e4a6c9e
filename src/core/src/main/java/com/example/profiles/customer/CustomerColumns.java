package com.example.profiles.customer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

/**
 * Which column of the customers table becomes which attribute: the allow-list
 * ({@code profiles.customer.columns}) and the hashed columns, both matched case-insensitively; and
 * the types declared for schemaless JSON ({@code profiles.customer.column-types}).
 * Checked at start: a name that could overwrite the profile's own customer fields, or a clear-text
 * column named like a hashed column's hash ({@code email_hash}), stops the application.
 */
@ApplicationScoped
@Startup
public class CustomerColumns {

    /** Fields customer.lua keeps beside the attributes (customer:position, ...). */
    static final Set<String> RESERVED = Set.of("position", "op", "kept");

    /** What a column is stored as. */
    public record Attribute(String name, boolean hashed) {
    }

    private final Map<String, Attribute> byLowerCaseColumn = new HashMap<>();
    /** profiles.customer.column-types, read at start: a declaration that cannot be used stops the application. */
    private final Map<String, ColumnType> declaredTypes = new HashMap<>();
    private final String idColumn;

    public CustomerColumns(CustomerSettings settings) {
        this.idColumn = settings.idColumn().toLowerCase(Locale.ROOT);
        for (String hashed : settings.hashedColumns()) {
            add(hashed, new Attribute(hashed.strip() + "_hash", true));
        }
        for (String column : settings.columns()) {
            String lower = column.strip().toLowerCase(Locale.ROOT);
            Attribute existing = byLowerCaseColumn.get(lower);
            if (existing != null && existing.hashed()) {
                continue; // listed in both: hashed wins, never clear text
            }
            add(column, new Attribute(column.strip(), false));
        }
        settings.columnTypes().forEach((column, hint) -> declaredTypes.put(column, ColumnType.declared(column, hint)));
        for (Attribute attribute : byLowerCaseColumn.values()) {
            String lower = attribute.name().toLowerCase(Locale.ROOT);
            if (!attribute.hashed() && byLowerCaseColumn.values().stream()
                    .anyMatch(other -> other.hashed() && other.name().toLowerCase(Locale.ROOT).equals(lower))) {
                throw new IllegalStateException("profiles.customer.columns lists " + attribute.name()
                        + ", the name of a hashed column's hash: its clear text would take the hash's place");
            }
        }
    }

    private void add(String column, Attribute attribute) {
        String name = column.strip();
        if (!ConsistentChangeValidator.COLUMN.matcher(name).matches()) {
            throw new IllegalStateException("profiles.customer: column name '" + name + "' is not 1 to 64 letters, digits or '_'");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(attribute.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("profiles.customer: column " + name + " would be stored as customer:" + attribute.name()
                    + ", a field the profile uses itself (" + String.join(", ", RESERVED) + ")");
        }
        if (lower.equals(idColumn)) {
            throw new IllegalStateException("profiles.customer: " + name + " is the id column; it is the user id, not an attribute");
        }
        byLowerCaseColumn.put(lower, attribute);
    }

    /** The attribute a column becomes, or null when it is not on the list (then it is left out). */
    public Attribute of(String column) {
        Attribute attribute = byLowerCaseColumn.get(column);
        return attribute != null ? attribute : byLowerCaseColumn.get(column.toLowerCase(Locale.ROOT));
    }

    /** The type profiles.customer.column-types declares for a column of schemaless JSON, or null. */
    ColumnType declaredType(String column) {
        return declaredTypes.get(column);
    }

    List<Attribute> all() {
        return List.copyOf(byLowerCaseColumn.values());
    }
}
