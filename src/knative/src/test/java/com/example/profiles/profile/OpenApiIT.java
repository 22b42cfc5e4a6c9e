package com.example.profiles.profile;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.RealInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The OpenAPI document at /q/openapi describes GET /profiles/{userId}, and what the route really
 * answers (a profile with a purchase and a cart, an unknown user, a malformed id) matches the
 * document's schemas: the document cannot drift from the route unnoticed.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class OpenApiIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentDescribesTheProfileRouteAndItsAnswersMatchIt() throws Exception {
        JsonNode document = JSON.readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        assertThat(document.path("openapi").asText()).startsWith("3.");
        JsonNode get = document.path("paths").path("/profiles/{userId}").path("get");
        assertThat(get.isMissingNode()).as("GET /profiles/{userId} in the document").isFalse();
        assertThat(get.path("responses").fieldNames()).toIterable().contains("200", "400", "404", "503");

        String user = "openapi-" + newId();
        Map<String, Object> order = Map.of("userId", user, "orderId", "o-1", "cartId", "c-2", "occurredAt", Instant.now().toString(),
                "currency", "EUR", "items", List.of(Map.of("sku", "A", "category", "books", "quantity", 2, "unitPrice", 5)), "total", 10);
        postBinary(PURCHASE_TYPE, newId(), "/test/openapi", null, json(order)).statusCode(200);
        Map<String, Object> change = Map.of("userId", user, "cartId", "c-1", "action", "ITEM_ADDED", "sku", "B", "category", "home",
                "quantity", 1, "unitPrice", 8, "currency", "EUR", "occurredAt", Instant.now().toString());
        postBinary("com.example.commerce.cart.changed.v1", newId(), "/test/openapi", null, json(change)).statusCode(200);

        JsonNode profile = JSON.readTree(given().get("/profiles/" + user).then().statusCode(200).extract().asString());
        assertThat(profile.path("cart").path("lines")).hasSize(1);
        assertThat(problems(document, "Profile", profile)).isEmpty();

        JsonNode missing = JSON.readTree(given().get("/profiles/nobody-" + newId()).then().statusCode(404).extract().asString());
        assertThat(problems(document, "Error", missing)).isEmpty();
        JsonNode malformed = JSON.readTree(given().get("/profiles/a@b").then().statusCode(400).extract().asString());
        assertThat(problems(document, "Error", malformed)).isEmpty();

        // The schemas do check: a profile without its version does not match.
        ObjectNode broken = profile.deepCopy();
        broken.remove("version");
        assertThat(problems(document, "Profile", broken)).anyMatch(p -> p.contains("version"));
    }

    /** Validates against one schema of the document's components (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
    private static List<String> problems(JsonNode document, String schemaName, JsonNode value) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$ref", "#/components/schemas/" + schemaName);
        schema.set("components", document.path("components"));
        Schema compiled = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema);
        return compiled.validate(value).stream().map(Object::toString).toList();
    }
}
