package com.example.profiles.hostile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.profiles.testing.RedisSnapshot;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** What the HTTP hostile-input tests share: a profile to protect, requests, and the checks on every answer. */
final class HostileHttp {

    /** An answer to a refused event is a short JSON document, whatever was sent. */
    static final int MAX_ANSWER_BYTES = 4096;

    private HostileHttp() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A binary-mode request with every attribute header set (a test removes or changes what it breaks). */
    static RequestSpecification binary(String type, String data) {
        return binary(type, data, newId());
    }

    static RequestSpecification binary(String type, String data, String id) {
        return given()
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-source", "/test/hostile")
                .header("ce-type", type)
                .header("ce-time", Instant.now().toString())
                .contentType("application/json")
                .body(data.getBytes(StandardCharsets.UTF_8)); // as bytes: RestAssured takes seconds to encode some strings
    }

    /** A structured-mode event document around raw JSON data. */
    static RawJson structured(String type, String rawData) {
        RawJson event = new RawJson()
                .set("specversion", "\"1.0\"")
                .set("id", RawJson.str(newId()))
                .set("source", "\"/test/hostile\"")
                .set("type", RawJson.str(type))
                .set("time", RawJson.str(Instant.now().toString()))
                .set("datacontenttype", "\"application/json\"");
        if (rawData != null) {
            event.set("data", rawData);
        }
        return event;
    }

    static Response postStructured(String document) {
        return given().contentType("application/cloudevents+json").body(document.getBytes(StandardCharsets.UTF_8)).post("/");
    }

    /** A profile with a purchase and a cart, so a refused event has something to leave alone. */
    static void createProfile(String user) {
        binary(HostileData.PURCHASE_TYPE, HostileData.purchase(user, "order-" + newId()).toString()).post("/").then().statusCode(200);
        binary(HostileData.CART_TYPE, HostileData.cart(user, "cart-1").toString()).post("/").then().statusCode(200);
    }

    /**
     * The checks every refused request must pass: the status, the JSON error body (short, naming
     * the field and why), and Redis exactly as it was for the user.
     */
    static void assertRefused(Response answer, int status, String field, String fragment, String redis, String user,
            Map<String, String> before) {
        assertThat(answer.statusCode()).as("status; body %s", answer.asString()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.asByteArray().length).as("answer size").isLessThan(MAX_ANSWER_BYTES);
        assertThat(answer.jsonPath().getString("error")).isNotBlank();
        List<String> fields = answer.jsonPath().getList("violations.field");
        List<String> messages = answer.jsonPath().getList("violations.message");
        if (field != null) {
            assertThat(fields).as("violations %s", answer.asString()).contains(field);
        }
        if (fragment != null) {
            assertThat(String.join(" | ", messages)).as("violations %s", answer.asString()).contains(fragment);
        }
        assertThat(RedisSnapshot.ofUser(redis, user)).as("Redis for %s after a refused event", user).isEqualTo(before);
    }

    /** A valid event for another user is still applied: the endpoint goes on. */
    static void assertStillApplies(String sentinelUser) {
        binary(HostileData.PURCHASE_TYPE, HostileData.purchase(sentinelUser, "order-" + newId()).toString()).post("/").then()
                .statusCode(200).contentType("application/json");
    }
}
