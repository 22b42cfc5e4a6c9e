package com.example.profiles.customer;

import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Schemaless JSON from a connector left at Debezium's default {@code decimal.handling.mode=precise}
 * sends a numeric column as the base64 of its unscaled value ({@code "DxjE"} for 9893.80): declared
 * as {@code decimal(2)} it is stored as the number, and a value that is not such a decimal is refused
 * with the column named and nothing written, never stored as if it were text.
 */
@QuarkusTest
@TestProfile(SchemalessDecimalIT.DeclaredDecimal.class)
@WithTestResource(RealInfrastructure.class)
class SchemalessDecimalIT {

    public static class DeclaredDecimal implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("profiles.customer.column-types.credit_limit", "decimal(2)");
        }
    }

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void aPreciseDecimalDeclaredWithItsScaleIsStoredAsTheNumber() {
        String user = "sd-" + newId();
        post(CapturedChangesIT.connect("decimal-no-schema.json", user)).statusCode(200).body("status", equalTo("APPLIED"));
        Map<String, String> profile = RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
        assertThat(profile).containsEntry("customer:credit_limit", "9893.80").containsEntry("customer:city", "Kraków");
    }

    @Test
    void aValueThatIsNotSuchADecimalIsRefusedAndNothingIsWritten() {
        String user = "sd-" + newId();
        JsonNode change = CapturedChangesIT.connect("decimal-no-schema.json", user);
        ((ObjectNode) change.get("after")).put("credit_limit", "7097.18"); // decimal.handling.mode=string's form
        post(change).statusCode(400).body("violations[0].field", equalTo("after.credit_limit"))
                .body("violations[0].message", containsString("Decimal"));
        assertThat((Long) RedisCommands.call(infrastructure.redis().uri(), "EXISTS", "profile:{" + user + "}")).isZero();
    }

    private static io.restassured.response.ValidatableResponse post(JsonNode value) {
        return postBinary(CapturedChangesIT.TYPE, newId(), "/test/debezium-capture", null, json(value));
    }
}
