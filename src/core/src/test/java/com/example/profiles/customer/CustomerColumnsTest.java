package com.example.profiles.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The allow-list and the hashed columns: case-insensitive, and no name that could replace a hash or the profile's own fields. */
class CustomerColumnsTest {

    /** The settings as configuration would give them. */
    record Settings(List<String> columns, List<String> hashedColumns, Map<String, String> columnTypes) implements CustomerSettings {
        Settings(List<String> columns, List<String> hashedColumns) {
            this(columns, hashedColumns, Map.of());
        }

        public String table() {
            return "customers";
        }

        public String idColumn() {
            return "id";
        }

        public String hashKey() {
            return "a-key-of-sixteen-or-more";
        }

        public int maxColumns() {
            return 100;
        }

        public int maxValueLength() {
            return 1024;
        }

        public LongValues longValues() {
            return LongValues.SKIP;
        }

        public String unavailableValuePlaceholder() {
            return "__debezium_unavailable_value";
        }
    }

    @Test
    void columnsAreMatchedInAnyCaseAndStoredUnderTheListedName() {
        CustomerColumns columns = new CustomerColumns(new Settings(List.of("tier", "City"), List.of("email")));
        assertThat(columns.of("TIER")).isEqualTo(new CustomerColumns.Attribute("tier", false));
        assertThat(columns.of("city")).isEqualTo(new CustomerColumns.Attribute("City", false));
        assertThat(columns.of("Email")).isEqualTo(new CustomerColumns.Attribute("email_hash", true));
        assertThat(columns.of("email_hash")).isNull();
        assertThat(columns.of("id")).isNull();
        assertThat(columns.of("ssn")).isNull();
    }

    @Test
    void aColumnListedBothWaysIsHashed() {
        CustomerColumns columns = new CustomerColumns(new Settings(List.of("EMAIL", "tier"), List.of("email")));
        assertThat(columns.of("email")).isEqualTo(new CustomerColumns.Attribute("email_hash", true));
    }

    @Test
    void namesThatWouldReplaceAHashOrTheProfilesOwnFieldsStopTheStart() {
        assertThatThrownBy(() -> new CustomerColumns(new Settings(List.of("Email_Hash"), List.of("email"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hashed column's hash");
        for (String reserved : List.of("position", "OP", "kept")) {
            assertThatThrownBy(() -> new CustomerColumns(new Settings(List.of(reserved), List.of("email"))))
                    .as(reserved).isInstanceOf(IllegalStateException.class).hasMessageContaining("uses itself");
        }
        assertThatThrownBy(() -> new CustomerColumns(new Settings(List.of("ID"), List.of("email"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("id column");
        assertThatThrownBy(() -> new CustomerColumns(new Settings(List.of("first name"), List.of("email"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("letters, digits");
    }

    @Test
    void aDecimalOfSchemalessJsonIsDeclaredWithItsScale() {
        CustomerColumns columns = new CustomerColumns(new Settings(List.of("credit_limit", "balance", "birth_date"), List.of("email"),
                Map.of("credit_limit", "decimal(2)", "balance", DebeziumValues.DECIMAL + "(0)", "birth_date", "io.debezium.time.Date")));
        assertThat(columns.declaredType("credit_limit")).isEqualTo(new ColumnType("bytes", DebeziumValues.DECIMAL, 2));
        assertThat(columns.declaredType("balance")).isEqualTo(new ColumnType("bytes", DebeziumValues.DECIMAL, 0));
        assertThat(columns.declaredType("birth_date")).isEqualTo(ColumnType.named("io.debezium.time.Date"));
        assertThat(columns.declaredType("tier")).isNull();
        // Debezium's precise mode without a schema: "DxjE" is the unscaled 989380, at scale 2 the number 9893.80.
        assertThat(new DebeziumValues("__debezium_unavailable_value").text("after.credit_limit",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode("DxjE"), columns.declaredType("credit_limit")))
                .isEqualTo("9893.80");
    }

    @Test
    void aDecimalDeclaredWithoutItsScaleStopsTheStart() {
        for (String hint : List.of("decimal", "DECIMAL", DebeziumValues.DECIMAL, "decimal()", "decimal(two)")) {
            assertThatThrownBy(() -> new CustomerColumns(new Settings(List.of("credit_limit"), List.of("email"), Map.of("credit_limit", hint))))
                    .as(hint).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("profiles.customer.column-types.credit_limit").hasMessageContaining("decimal(2)");
        }
    }
}
