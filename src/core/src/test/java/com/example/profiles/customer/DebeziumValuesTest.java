package com.example.profiles.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.example.profiles.core.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** The readable forms of Debezium's values beyond the captured records: signs, edges, bad input. */
class DebeziumValuesTest {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    final DebeziumValues values = new DebeziumValues("__debezium_unavailable_value");

    private String text(JsonNode value, String logicalName) {
        return values.text("after.c", value, ColumnType.named(logicalName));
    }

    @Test
    void decimalsKeepTheirScaleAndSign() {
        ColumnType scale2 = new ColumnType("bytes", DebeziumValues.DECIMAL, 2);
        // 0xFF85 is -123 as a two's complement big-endian unscaled value: -1.23
        assertThat(values.text("after.c", JSON.textNode("/4U="), scale2)).isEqualTo("-1.23");
        assertThat(values.text("after.c", JSON.textNode("AA=="), scale2)).isEqualTo("0.00");
        ObjectNodeBuilder variable = new ObjectNodeBuilder().put("scale", 3).put("value", "AKSN");
        assertThat(text(variable.node, DebeziumValues.VARIABLE_SCALE_DECIMAL)).isEqualTo("42.125");
        // decimal.handling.mode=double: plain decimal text, no exponent
        assertThat(values.text("after.c", JSON.numberNode(1.0E10), null)).isEqualTo("10000000000");
        assertThat(values.text("after.c", JSON.numberNode(0.1), null)).isEqualTo("0.1");
    }

    @Test
    void timesBeforeTheEpochAndOfEveryPrecision() {
        assertThat(text(JSON.numberNode(-1), "io.debezium.time.Date")).isEqualTo("1969-12-31");
        assertThat(text(JSON.numberNode(-1L), "io.debezium.time.MicroTimestamp")).isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(text(JSON.numberNode(1_500L), "io.debezium.time.NanoTimestamp")).isEqualTo("1970-01-01T00:00:00.000001500");
        assertThat(text(JSON.numberNode(86_399_999L), "org.apache.kafka.connect.data.Time")).isEqualTo("23:59:59.999");
        assertThat(text(JSON.numberNode(5_400_000_000L), "io.debezium.time.MicroDuration")).isEqualTo("PT1H30M");
        assertThat(text(JSON.textNode("2026-11-26T09:15:00Z"), "io.debezium.time.ZonedTimestamp")).isEqualTo("2026-11-26T09:15:00Z");
        // a hint that does not fit the value: stored as sent rather than guessed
        assertThat(text(JSON.textNode("not a number"), "io.debezium.time.Date")).isEqualTo("not a number");
    }

    @Test
    void aValueThatCannotBeReadNamesTheColumnNotTheValue() {
        ColumnType scale2 = new ColumnType("bytes", DebeziumValues.DECIMAL, 2);
        assertThatThrownBy(() -> values.text("after.credit_limit", JSON.textNode("alice@example.com"), scale2))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("after.credit_limit: is not a valid org.apache.kafka.connect.data.Decimal value")
                .hasMessageNotContaining("alice");
        assertThatThrownBy(() -> text(JSON.numberNode(Long.MAX_VALUE), "io.debezium.time.Date"))
                .isInstanceOf(InvalidEventException.class).hasMessageNotContaining(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void thePlaceholderIsRecognisedAsTextAndAsTheBytesOfABinaryColumn() {
        assertThat(values.isUnavailable(JSON.textNode("__debezium_unavailable_value"))).isTrue();
        assertThat(values.isUnavailable(JSON.textNode("X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="))).isTrue();
        assertThat(values.isUnavailable(JSON.textNode("5f5f646562657a69756d5f756e617661696c61626c655f76616c7565"))).isTrue();
        assertThat(values.isUnavailable(JSON.textNode("__debezium_unavailable"))).isFalse();
        assertThat(values.isUnavailable(JSON.numberNode(1))).isFalse();
        assertThat(new DebeziumValues("<toasted>").isUnavailable(JSON.textNode("<toasted>"))).isTrue();
    }

    @Test
    void binaryIsHexAndStructuredValuesAreTheirJson() throws Exception {
        assertThat(values.text("after.c", JSON.textNode("3q2+7w=="), new ColumnType("bytes", null, null))).isEqualTo("deadbeef");
        JsonNode array = new ObjectMapper().readTree("[1, \"a\"]");
        assertThat(values.text("after.c", array, null)).isEqualTo("[1,\"a\"]");
        assertThat(values.text("after.c", JSON.booleanNode(true), null)).isEqualTo("true");
    }

    /** A small JSON object builder for the struct of VariableScaleDecimal. */
    static final class ObjectNodeBuilder {
        final com.fasterxml.jackson.databind.node.ObjectNode node = JSON.objectNode();

        ObjectNodeBuilder put(String field, int value) {
            node.put(field, value);
            return this;
        }

        ObjectNodeBuilder put(String field, String value) {
            node.put(field, value);
            return this;
        }
    }
}
