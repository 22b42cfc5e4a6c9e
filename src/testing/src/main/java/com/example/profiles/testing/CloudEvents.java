package com.example.profiles.testing;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * Builds real CloudEvents with the CloudEvents SDK and posts them to the Funqy Knative endpoint, in
 * both HTTP content modes (the SDK's HTTP binding writes the {@code ce-*} headers or the structured
 * JSON document).
 */
public final class CloudEvents {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String PURCHASE_TYPE = "com.example.commerce.purchase.completed.v1";
    /** The SDK's JSON event format, made here rather than found by ServiceLoader. */
    static final JsonFormat FORMAT = new JsonFormat();

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

    /** A CloudEvent with JSON data ({@code datacontenttype: application/json}); {@code time} may be null. */
    public static CloudEvent event(String type, String id, String source, Instant time, byte[] dataJson) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withType(type)
                .withId(id)
                .withSource(URI.create(source))
                .withData("application/json", dataJson);
        if (time != null) {
            builder.withTime(time.atOffset(ZoneOffset.UTC));
        }
        return builder.build();
    }

    /** Binary mode: attributes in ce-* headers, the data as the body. */
    public static ValidatableResponse postBinary(String type, String id, String source, Instant time, String dataJson) {
        CloudEvent event = event(type, id, source, time, dataJson.getBytes(StandardCharsets.UTF_8));
        RequestSpecification request = given();
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter((name, value) -> {
            if (name.equalsIgnoreCase("content-type")) {
                request.contentType(value);
            } else {
                request.header(name, value);
            }
        }, bytes -> body[0] = bytes).writeBinary(event);
        return request.body(body[0]).post("/").then();
    }

    /** Structured mode: the whole event as one JSON document. */
    public static ValidatableResponse postStructured(String type, String id, String source, Instant time, Object data) {
        return given()
                .contentType(JsonFormat.CONTENT_TYPE)
                .body(FORMAT.serialize(event(type, id, source, time, jsonBytes(data))))
                .post("/").then();
    }

    /** The structured form of an event (what {@code application/cloudevents+json} carries), as a map. */
    public static Map<String, Object> structured(String type, String id, String source, Instant time, Object data) {
        try {
            return JSON.readValue(FORMAT.serialize(event(type, id, source, time, jsonBytes(data))),
                    new TypeReference<LinkedHashMap<String, Object>>() {
                    });
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] jsonBytes(Object data) {
        return json(data).getBytes(StandardCharsets.UTF_8);
    }
}
