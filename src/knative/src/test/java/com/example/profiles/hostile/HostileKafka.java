package com.example.profiles.hostile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends hostile records to a function's topic and collects what became of them: each record
 * carries a key of its own, which the dead-letter copy keeps, so every dead letter is matched to
 * its case. The run ends with a valid record behind all of them, so a test sees the channel go
 * on, and every refusal is checked the same way: dead-lettered byte for byte, a one-line reason
 * naming the field, bounded headers.
 */
final class HostileKafka implements AutoCloseable {

    /** A dead letter's reason and violation list are cut short: the record must fit the producer's limits. */
    static final int MAX_REASON_BYTES = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One record to send and what its dead letter must say.
     *
     * @param headers name to value bytes, in order (a name may repeat); null values are sent as null
     * @param field the violation's field, or null where the channels name it differently
     */
    record Hostile(String name, List<Map.Entry<String, byte[]>> headers, byte[] value, String field, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    HostileKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        this.producer = new KafkaProducer<>(props);
    }

    static List<Map.Entry<String, byte[]>> headers(Object... namesAndValues) {
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value != null) { // null: the header is left out
                byte[] bytes = value instanceof byte[] raw ? raw : value.toString().getBytes(StandardCharsets.UTF_8);
                headers.add(Map.entry((String) namesAndValues[i], bytes));
            }
        }
        return headers;
    }

    /** The binary-mode headers of a valid event of the type, with one header changed (a String or byte[]) or left out (null). */
    static List<Map.Entry<String, byte[]>> binaryHeaders(String type, String change, Object value) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("ce_specversion", "1.0");
        attributes.put("ce_id", UUID.randomUUID().toString());
        attributes.put("ce_source", "/test/hostile-kafka");
        attributes.put("ce_type", type);
        attributes.put("ce_time", java.time.Instant.now().toString());
        attributes.put("content-type", "application/json");
        if (change != null) {
            attributes.put(change, value);
        }
        List<Object> flat = new ArrayList<>();
        attributes.forEach((name, v) -> {
            flat.add(name);
            flat.add(v);
        });
        return headers(flat.toArray());
    }

    static List<Map.Entry<String, byte[]>> structuredHeaders() {
        return headers("content-type", "application/cloudevents+json; charset=UTF-8");
    }

    static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The key a case's record is sent with. */
    String keyOf(int index) {
        return "hostile-" + run + "-" + index;
    }

    /** Sends the record and answers its offset once the broker has it. */
    long send(String topic, String key, List<Map.Entry<String, byte[]>> headers, byte[] value) {
        try {
            return sendAsync(topic, key, headers, value).get(30, TimeUnit.SECONDS).offset();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /** Sends the record without waiting for the broker. */
    java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendAsync(String topic, String key,
            List<Map.Entry<String, byte[]>> headers, byte[] value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, bytes(key), value);
        headers.forEach(header -> record.headers().add(header.getKey(), header.getValue()));
        return producer.send(record);
    }

    /**
     * Sends every case, then {@code valid} (a record that must be applied), waits until the valid
     * one is applied and every case is dead-lettered, and checks each dead letter. Fails naming
     * the cases that were not dead-lettered (applied, or stuck).
     */
    void sendAndCheckDeadLetters(String topic, String deadLetterTopic, List<Hostile> cases, Runnable sendValid, BooleanSupplier validApplied) {
        for (int i = 0; i < cases.size(); i++) {
            send(topic, keyOf(i), cases.get(i).headers(), cases.get(i).value());
        }
        sendValid.run();
        Map<String, ConsumerRecord<byte[], byte[]>> dead = collect(deadLetterTopic, cases.size(), Duration.ofSeconds(90));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!validApplied.getAsBoolean() && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(validApplied.getAsBoolean()).as("the valid record behind the hostile ones was applied: the channel goes on").isTrue();
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < cases.size(); i++) {
            Hostile hostile = cases.get(i);
            ConsumerRecord<byte[], byte[]> letter = dead.get(keyOf(i));
            softly.assertThat(letter).as("%s: dead-lettered", hostile.name()).isNotNull();
            if (letter == null) {
                continue;
            }
            String reason = header(letter, "dead-letter-reason");
            softly.assertThat(reason).as("%s: reason", hostile.name()).isNotNull();
            if (reason == null) {
                continue;
            }
            softly.assertThat(reason.getBytes(StandardCharsets.UTF_8).length).as("%s: reason size", hostile.name()).isLessThan(MAX_REASON_BYTES);
            softly.assertThat(reason).as("%s: one line", hostile.name()).doesNotContain("\n");
            if (hostile.field() != null) {
                softly.assertThat(reason).as("%s: reason names the field", hostile.name()).contains(hostile.field() + ": ");
            }
            if (hostile.fragment() != null) {
                softly.assertThat(reason).as("%s: reason", hostile.name()).contains(hostile.fragment());
            }
            String violations = header(letter, "dead-letter-violations");
            softly.assertThat(violations.getBytes(StandardCharsets.UTF_8).length).as("%s: violations size", hostile.name())
                    .isLessThan(MAX_REASON_BYTES * 4);
            try {
                JsonNode list = JSON.readTree(violations);
                softly.assertThat(list.isArray() && !list.isEmpty()).as("%s: violations a JSON list", hostile.name()).isTrue();
            } catch (java.io.IOException e) {
                softly.fail("%s: violations are not JSON: %s", hostile.name(), violations);
            }
            softly.assertThat(letter.value() == null ? new byte[0] : letter.value()).as("%s: value byte for byte", hostile.name())
                    .isEqualTo(hostile.value() == null ? new byte[0] : hostile.value());
        }
        softly.assertAll();
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** The dead letters of this run, by key, once {@code expected} have arrived (or the wait is over). */
    Map<String, ConsumerRecord<byte[], byte[]>> collect(String topic, int expected, Duration wait) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "hostile-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("hostile-" + run + "-")) {
                        found.put(key, record);
                    }
                }
            }
        }
        return found;
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
