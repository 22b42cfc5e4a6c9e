package com.example.profiles.customer;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.example.profiles.core.PlainText;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A Debezium change event for the customers table, as the PostgreSQL connector emits it with the
 * JSON converter (the envelope; {@code schemas.enable=true} wraps it in {@code {"schema", "payload"}},
 * which {@link CustomerChangeFunction} unwraps first). Rows are column name to the value exactly as
 * the converter wrote it (a JSON null for a null column); {@code columnTypes} are the columns'
 * types from the record's schema, empty when it carries none.
 *
 * @param op c (insert), u (update), r (snapshot read), d (delete)
 * @param tsMs when the connector processed the change
 */
@RegisterForReflection
@ConsistentChange
public record DebeziumChange(
        Map<String, JsonNode> before,
        Map<String, JsonNode> after,
        @NotNull @Valid Source source,
        @NotNull @Pattern(regexp = "[cudr]", message = "must be c, u, d or r (create, update, delete, read)") String op,
        Long tsMs,
        @JsonIgnore Map<String, ColumnType> columnTypes) {

    /** What Jackson binds: the envelope, without types. */
    @JsonCreator
    public DebeziumChange(@JsonProperty("before") Map<String, JsonNode> before, @JsonProperty("after") Map<String, JsonNode> after,
            @JsonProperty("source") Source source, @JsonProperty("op") String op, @JsonProperty("ts_ms") Long tsMs) {
        this(before, after, source, op, tsMs, Map.of());
    }

    /** The same change with its columns' types. */
    public DebeziumChange withColumnTypes(Map<String, ColumnType> types) {
        return new DebeziumChange(before, after, source, op, tsMs, types);
    }

    /**
     * Where the change comes from. {@code lsn} and {@code txId} give its position in the
     * database log, which orders changes; {@code tsMs} is the commit time, the event time.
     */
    public record Source(
            String connector,
            // name, db and table make the change's identity (its dedup key): plain, bounded text
            @Size(max = 128) @PlainText String name,
            @Size(max = 128) @PlainText String db,
            String schema,
            @NotBlank @Size(max = 128) @PlainText String table,
            @NotNull(message = "is required: changes are ordered by their log position") @PositiveOrZero Long lsn,
            @PositiveOrZero Long txId,
            @NotNull @JsonProperty("ts_ms") Long tsMs,
            String snapshot) {
    }

    /** The row the change is about: the new row, or for a delete the old one. */
    public Map<String, JsonNode> row() {
        return "d".equals(op) ? before : after;
    }
}
