package com.example.profiles.lambda;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.ValidatableResponse;

/**
 * Builds the event a Kafka event source mapping invokes a Lambda function with, on the shape of
 * {@code src/test/resources/fixtures/aws/msk-kafka-event.json}: records grouped by "topic-partition", key and
 * value base64, headers a list of single-entry maps from name to the value's bytes as numbers.
 * Offsets are whatever the test says: nothing checks them against the broker, as with AWS.
 */
final class KafkaBatchEvents {

    private final Map<String, Object> event = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> records = new LinkedHashMap<>();

    private KafkaBatchEvents(String eventSource) {
        event.put("eventSource", eventSource);
        if ("aws:kafka".equals(eventSource)) {
            event.put("eventSourceArn", "arn:aws:kafka:eu-central-1:123456789012:cluster/profiles/0a1b2c3d-4e5f");
        }
        event.put("bootstrapServers", "b-1.profiles.kafka.eu-central-1.amazonaws.com:9098");
        event.put("records", records);
    }

    /** An Amazon MSK batch. */
    static KafkaBatchEvents msk() {
        return new KafkaBatchEvents("aws:kafka");
    }

    /** A self-managed Apache Kafka batch. */
    static KafkaBatchEvents selfManaged() {
        return new KafkaBatchEvents("SelfManagedKafka");
    }

    /** A CloudEvent in binary mode: attributes in ce_* headers, the data as the value. */
    KafkaBatchEvents binary(String topic, int partition, long offset, String key, String type, String id, String source, Instant time,
            String dataJson) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", bytes("1.0"));
        headers.put("ce_id", bytes(id));
        headers.put("ce_source", bytes(source));
        headers.put("ce_type", bytes(type));
        if (time != null) {
            headers.put("ce_time", bytes(time.toString()));
        }
        headers.put("content-type", bytes("application/json"));
        return record(topic, partition, offset, bytes(key), bytes(dataJson), headers);
    }

    /** A CloudEvent in structured mode: the whole event as JSON, content-type application/cloudevents+json. */
    KafkaBatchEvents structured(String topic, int partition, long offset, String key, Map<String, Object> cloudEvent) {
        return record(topic, partition, offset, bytes(key), bytes(CloudEvents.json(cloudEvent)),
                Map.of("content-type", bytes("application/cloudevents+json; charset=UTF-8")));
    }

    /** Any key, value and headers (null value: a tombstone). */
    KafkaBatchEvents record(String topic, int partition, long offset, byte[] key, byte[] value, Map<String, byte[]> headers) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("topic", topic);
        record.put("partition", partition);
        record.put("offset", offset);
        record.put("timestamp", 1_795_000_000_000L + offset);
        record.put("timestampType", "CREATE_TIME");
        if (key != null) {
            record.put("key", Base64.getEncoder().encodeToString(key));
        }
        record.put("value", value == null ? null : Base64.getEncoder().encodeToString(value));
        List<Map<String, int[]>> headerList = new ArrayList<>();
        headers.forEach((name, headerValue) -> headerList.add(Map.of(name, numbers(headerValue))));
        record.put("headers", headerList);
        records.computeIfAbsent(topic + "-" + partition, p -> new ArrayList<>()).add(record);
        return this;
    }

    String json() {
        return CloudEvents.json(event);
    }

    /** Invokes the exported function through Quarkus's mock Lambda event server. */
    ValidatableResponse invoke() {
        return invoke(json());
    }

    static ValidatableResponse invoke(String eventJson) {
        return given().contentType("application/json").body(eventJson).post().then();
    }

    /** The AWS sample event (an MSK batch of one record whose value is not a CloudEvent). */
    static JsonNode awsSample() {
        return Fixtures.json("aws/msk-kafka-event.json");
    }

    static ObjectNode objectNode() {
        return CloudEvents.JSON.createObjectNode();
    }

    /**
     * Header bytes as numbers, the way the event source mapping writes them. Bytes over 127 are
     * written unsigned (0..255); {@link KafkaEventRecords#headers} reads signed ones too.
     */
    static int[] numbers(byte[] value) {
        int[] numbers = new int[value.length];
        for (int i = 0; i < value.length; i++) {
            numbers[i] = value[i] & 0xff;
        }
        return numbers;
    }

    static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
