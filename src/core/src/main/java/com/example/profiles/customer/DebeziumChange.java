package com.example.profiles.customer;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A Debezium change event for the customers table, as the PostgreSQL connector emits it with the
 * JSON converter (the envelope; {@code schemas.enable=true} wraps it in {@code {"schema", "payload"}},
 * which {@link CustomerChangeFunction} unwraps first). Rows are column name to value.
 *
 * @param op c (insert), u (update), r (snapshot read), d (delete)
 * @param tsMs when the connector processed the change
 */
@RegisterForReflection
@ConsistentChange
public record DebeziumChange(
        Map<String, Object> before,
        Map<String, Object> after,
        @NotNull @Valid Source source,
        @NotNull @Pattern(regexp = "[cudr]", message = "must be c, u, d or r (create, update, delete, read)") String op,
        @JsonProperty("ts_ms") Long tsMs) {

    /**
     * Where the change comes from. {@code lsn} and {@code txId} give its position in the
     * database log, which orders changes; {@code tsMs} is the commit time, the event time.
     */
    public record Source(
            String connector,
            String name,
            String db,
            String schema,
            @NotBlank String table,
            @NotNull(message = "is required: changes are ordered by their log position") @PositiveOrZero Long lsn,
            @PositiveOrZero Long txId,
            @NotNull @JsonProperty("ts_ms") Long tsMs,
            String snapshot) {
    }

    /** The row the change is about: the new row, or for a delete the old one. */
    public Map<String, Object> row() {
        return "d".equals(op) ? before : after;
    }
}
