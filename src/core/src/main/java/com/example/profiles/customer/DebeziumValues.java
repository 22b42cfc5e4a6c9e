package com.example.profiles.customer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;

import com.example.profiles.core.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a column value as Debezium's PostgreSQL connector sends it through the JSON converter into
 * the readable text stored as a customer attribute. The column's logical type comes from the
 * record's schema ({@code schemas.enable=true}) or, for schemaless JSON, from
 * {@code profiles.customer.column-types}; without either the value is stored as sent. The forms:
 * <ul>
 * <li>decimals ({@code Decimal}: base64 of the unscaled value with the schema's scale;
 * {@code VariableScaleDecimal}; {@code decimal.handling.mode=string} or {@code double}): plain
 * decimal text, {@code 1234.50};</li>
 * <li>dates: ISO date {@code 1990-02-28}; times of day: ISO local time {@code 09:30:00.250};
 * timestamps without zone: ISO local date-time {@code 2026-11-25T18:30:15.654321}; timestamps and
 * times with zone ({@code ZonedTimestamp}, {@code ZonedTime}): as sent (ISO, UTC);
 * intervals ({@code MicroDuration}): ISO-8601 duration {@code PT1H30M};</li>
 * <li>binary ({@code bytes}): lowercase hex, as {@code binary.handling.mode=hex} sends it;</li>
 * <li>uuid, json/jsonb, xml, enums, text: as sent; booleans and integers: their JSON text; arrays
 * and structs: their JSON text.</li>
 * </ul>
 * Errors name the column, never the value.
 */
final class DebeziumValues {

    static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
    static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";

    private final String placeholder;
    private final String placeholderBase64;
    private final String placeholderHex;

    DebeziumValues(String placeholder) {
        byte[] bytes = placeholder.getBytes(StandardCharsets.UTF_8);
        this.placeholder = placeholder;
        this.placeholderBase64 = Base64.getEncoder().encodeToString(bytes);
        this.placeholderHex = HexFormat.of().formatHex(bytes);
    }

    /**
     * True when the value is Debezium's placeholder for a value it could not read (an unchanged
     * TOASTed column under REPLICA IDENTITY DEFAULT): as text, or for a binary column as the bytes
     * of the placeholder (base64 or hex, per binary.handling.mode).
     */
    boolean isUnavailable(JsonNode value) {
        if (!value.isTextual()) {
            return false;
        }
        String text = value.textValue();
        return text.equals(placeholder) || text.equals(placeholderBase64) || text.equalsIgnoreCase(placeholderHex);
    }

    /**
     * @param field where the value is, for error messages ({@code after.credit_limit})
     * @param value not null, not a JSON null
     * @param type the column's type, or null when unknown
     */
    String text(String field, JsonNode value, ColumnType type) {
        String name = type == null ? null : type.name();
        try {
            if (name != null) {
                String converted = logical(name, value, type);
                if (converted != null) {
                    return converted;
                }
            }
            if (type != null && "bytes".equals(type.type()) && value.isTextual()) {
                return HexFormat.of().formatHex(Base64.getDecoder().decode(value.textValue()));
            }
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw new InvalidEventException(field, "is not a valid " + name + " value");
        }
        return plain(value);
    }

    /** The conversion of a logical type, or null to store the value as sent. */
    private static String logical(String name, JsonNode value, ColumnType type) {
        switch (name) {
            case DECIMAL:
                if (value.isTextual() && type != null && type.scale() != null && "bytes".equals(type.type())) {
                    return new BigDecimal(new BigInteger(Base64.getDecoder().decode(value.textValue())), type.scale()).toPlainString();
                }
                return null;
            case VARIABLE_SCALE_DECIMAL:
                if (value.isObject() && value.path("value").isTextual() && value.path("scale").canConvertToInt()) {
                    return new BigDecimal(new BigInteger(Base64.getDecoder().decode(value.path("value").textValue())),
                            value.path("scale").intValue()).toPlainString();
                }
                return null;
            case "io.debezium.time.Date":
            case "org.apache.kafka.connect.data.Date":
                return value.canConvertToLong() ? LocalDate.ofEpochDay(value.longValue()).toString() : null;
            case "io.debezium.time.Time":
            case "org.apache.kafka.connect.data.Time":
                return value.canConvertToLong() ? LocalTime.ofNanoOfDay(Math.multiplyExact(value.longValue(), 1_000_000L)).toString() : null;
            case "io.debezium.time.MicroTime":
                return value.canConvertToLong() ? LocalTime.ofNanoOfDay(Math.multiplyExact(value.longValue(), 1_000L)).toString() : null;
            case "io.debezium.time.NanoTime":
                return value.canConvertToLong() ? LocalTime.ofNanoOfDay(value.longValue()).toString() : null;
            case "io.debezium.time.Timestamp":
            case "org.apache.kafka.connect.data.Timestamp":
                return value.canConvertToLong() ? local(Instant.ofEpochMilli(value.longValue())) : null;
            case "io.debezium.time.MicroTimestamp":
                return value.canConvertToLong()
                        ? local(Instant.ofEpochSecond(Math.floorDiv(value.longValue(), 1_000_000L), Math.floorMod(value.longValue(), 1_000_000L) * 1_000L))
                        : null;
            case "io.debezium.time.NanoTimestamp":
                return value.canConvertToLong()
                        ? local(Instant.ofEpochSecond(Math.floorDiv(value.longValue(), 1_000_000_000L), Math.floorMod(value.longValue(), 1_000_000_000L)))
                        : null;
            case "io.debezium.time.MicroDuration":
                return value.canConvertToLong() ? Duration.ofNanos(Math.multiplyExact(value.longValue(), 1_000L)).toString() : null;
            case "bytes":
                // Schemaless binary column named in profiles.customer.column-types: base64 as sent in bytes mode.
                return value.isTextual() ? HexFormat.of().formatHex(Base64.getDecoder().decode(value.textValue())) : null;
            default:
                return null;
        }
    }

    /** A timestamp without zone: the wall-clock time the column holds, ISO, without offset. */
    private static String local(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    /** Beyond the exponent of any double (4.9E-324 to 1.8E308), a decimal is not written out in plain digits. */
    static final int MAX_PLAIN_SCALE = 400;

    /** The value as sent: text as is, a double (decimal.handling.mode=double) as plain decimal text, anything else as JSON. */
    private static String plain(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isFloatingPointNumber()) {
            if (value.isBigDecimal()) {
                // A double's plain digits are a few hundred at most; a decimal beyond any double
                // (1e1000000000, ten characters) would be a gigabyte of them: scientific notation.
                BigDecimal decimal = value.decimalValue();
                return Math.abs(decimal.scale()) > MAX_PLAIN_SCALE ? decimal.toString() : decimal.toPlainString();
            }
            return BigDecimal.valueOf(value.doubleValue()).toPlainString();
        }
        return value.toString();
    }
}
