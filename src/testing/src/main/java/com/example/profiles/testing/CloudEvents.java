package com.example.profiles.testing;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.response.ValidatableResponse;

/** Builds and posts real CloudEvents to the Funqy Knative endpoint, in both HTTP content modes. */
public final class CloudEvents {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String PURCHASE_TYPE = "com.example.commerce.purchase.completed.v1";

    private CloudEvents() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Binary mode: attributes in ce-* headers, the data as the body. */
    public static ValidatableResponse postBinary(String type, String id, String source, Instant time, String dataJson) {
        var request = given()
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-source", source)
                .header("ce-type", type)
                .contentType("application/json")
                .body(dataJson);
        if (time != null) {
            request.header("ce-time", time.toString());
        }
        return request.post("/").then();
    }

    /** Structured mode: the whole event as one JSON document. */
    public static ValidatableResponse postStructured(String type, String id, String source, Instant time, Object data) {
        return given()
                .contentType("application/cloudevents+json")
                .body(json(structured(type, id, source, time, data)))
                .post("/").then();
    }

    public static Map<String, Object> structured(String type, String id, String source, Instant time, Object data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", source);
        event.put("type", type);
        if (time != null) {
            event.put("time", time.toString());
        }
        event.put("datacontenttype", "application/json");
        event.put("data", data);
        return event;
    }
}
