package com.example.profiles.kafka;

import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LogCapture;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Whatever one record makes the code throw, the record ends dead-lettered (reason
 * {@code internal error: <class>}, one ERROR line naming it), the channel goes on with the next
 * record, readiness stays UP and the offsets move on. The failures come from {@link FaultyFunction},
 * a real function whose code fails where the record says, on a real broker and a real Redis.
 * Dead letters stay within the producer's limits however long the reason or large the record.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class NoRecordStopsAChannelIT {

    private static final String TOPIC = FaultyFunctionConfigSource.TOPIC;
    private static final String DLQ = FaultyFunctionConfigSource.DLQ;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectInfrastructure
    Infrastructure infrastructure;

    KafkaEvents kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers());
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void aRecordTheCodeFailsOnIsDeadLetteredAsAnInternalErrorAndTheChannelGoesOn() {
        String run = newId();
        // The exception a pre-1970 occurredAt threw in the purchase function, a plain bug, an Error,
        // and a decoder that throws.
        List<String> thrown = List.of("java.lang.ArithmeticException", "java.lang.NullPointerException", "java.lang.StackOverflowError",
                "java.lang.IllegalStateException");
        double failedBefore = metric("profile_events_total{function=\"faulty\",outcome=\"failed\",trigger=\"kafka\",type=\"" + FaultyFunctionConfigSource.TYPE + "\"}");
        try (LogCapture log = LogCapture.open()) {
            List<RecordMetadata> faulty = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                faulty.add(send("bad-" + run + "-" + i, order("bad-" + run, "throw:" + thrown.get(i)), false));
            }
            faulty.add(send("bad-" + run + "-3", order("bad-" + run, "o-1"), true));
            String good = "good-" + run;
            RecordMetadata valid = send(good, order(good, "o-good"), false);

            await().atMost(WAIT).until(() -> profile(good).containsKey("version"));
            assertThat(profile(good)).containsEntry("purchase:count", "1");
            assertThat(profile("bad-" + run)).isEmpty(); // nothing of the failed records was written

            Map<Long, ConsumerRecord<byte[], byte[]>> letters = awaitDeadLetters(faulty);
            for (int i = 0; i < faulty.size(); i++) {
                RecordMetadata sent = faulty.get(i);
                ConsumerRecord<byte[], byte[]> letter = letters.get(sent.offset());
                assertThat(KafkaEvents.header(letter, "dead-letter-reason")).isEqualTo("internal error: " + thrown.get(i));
                assertThat(KafkaEvents.header(letter, "dead-letter-violations")).isEqualTo("[]");
                assertThat(KafkaEvents.header(letter, "dead-letter-function")).isEqualTo("faulty");
                assertThat(KafkaEvents.header(letter, "dead-letter-topic")).isEqualTo(TOPIC);
                assertThat(KafkaEvents.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(sent.partition()));
                assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("bad-" + run + "-" + i);
                assertThat(KafkaEvents.header(letter, "ce_type")).isEqualTo(FaultyFunctionConfigSource.TYPE); // original headers kept
                // One ERROR line per record, naming it and the exception, without the exception's message.
                String coordinates = TOPIC + "-" + sent.partition() + "@" + sent.offset();
                String exception = thrown.get(i);
                assertThat(log.lines(Level.SEVERE)).filteredOn(l -> l.message().contains(coordinates)).singleElement()
                        .satisfies(l -> assertThat(l.message()).contains(exception).contains("dead-lettered").doesNotContain("injected"));
            }
            await().atMost(WAIT).until(() -> kafka.committedOffset("profile-functions-faulty", TOPIC) > valid.offset());
            assertThat(metric("profile_events_total{function=\"faulty\",outcome=\"failed\",trigger=\"kafka\",type=\"" + FaultyFunctionConfigSource.TYPE
                    + "\"}") - failedBefore).isEqualTo(4.0);
            // Readiness and liveness reflect the ability to process, never one record.
            given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    @Test
    void aReasonOfMegabytesMakesADeadLetterOfAFewKilobytes() {
        String run = newId();
        // 5,000 violations of 1,000 characters each: a 5 MB message, for a record of a few hundred bytes.
        RecordMetadata sent = send("many-" + run, order("many-" + run, "violations:5000:1000"), false);
        String good = "after-many-" + run;
        send(good, order(good, "o-good"), false);

        ConsumerRecord<byte[], byte[]> letter = awaitDeadLetters(List.of(sent)).get(sent.offset());
        String reason = KafkaEvents.header(letter, "dead-letter-reason");
        assertThat(reason).hasSizeLessThanOrEqualTo(501).startsWith("items[0].unitPrice: xxx").endsWith("…").doesNotContain("\n");
        String violations = KafkaEvents.header(letter, "dead-letter-violations");
        assertThat(violations).contains("\"and 4980 more violations\"").hasSizeLessThan(20_000);
        int headerBytes = Arrays.stream(letter.headers().toArray()).mapToInt(h -> h.key().length() + h.value().length).sum();
        assertThat(headerBytes).isLessThan(25_000);
        await().atMost(WAIT).until(() -> profile(good).containsKey("version"));
    }

    @Test
    void aRecordTooLargeToCopyIsDeadLetteredWithoutItsValue() {
        String run = newId();
        // Nearly the broker's 1 MB limit: with the dead-letter headers its copy would not fit the producer's.
        byte[] huge = new byte[1_040_000];
        Arrays.fill(huge, (byte) ' ');
        byte[] start = json(order("huge-" + run, "o-huge")).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, huge, 0, start.length);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, KafkaEvents.bytes("huge-" + run), huge);
        binaryHeaders(record, false);
        RecordMetadata sent = kafka.send(record);
        String good = "after-huge-" + run;
        send(good, order(good, "o-good"), false);

        ConsumerRecord<byte[], byte[]> letter = awaitDeadLetters(List.of(sent)).get(sent.offset());
        assertThat(letter.value()).isEmpty();
        assertThat(KafkaEvents.header(letter, "dead-letter-reason")).contains("1040000");
        assertThat(KafkaEvents.header(letter, "dead-letter-value-omitted")).startsWith("1040000 bytes of value");
        assertThat(KafkaEvents.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(sent.offset()));
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("huge-" + run);
        await().atMost(WAIT).until(() -> profile(good).containsKey("version"));
    }

    private RecordMetadata send(String key, Map<String, Object> data, boolean decoderFault) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, KafkaEvents.bytes(key), KafkaEvents.bytes(json(data)));
        binaryHeaders(record, decoderFault);
        return kafka.send(record);
    }

    private static void binaryHeaders(ProducerRecord<byte[], byte[]> record, boolean decoderFault) {
        record.headers().add("ce_specversion", KafkaEvents.bytes("1.0"));
        record.headers().add("ce_id", KafkaEvents.bytes(newId()));
        record.headers().add("ce_source", KafkaEvents.bytes("/test/faulty"));
        record.headers().add("ce_type", KafkaEvents.bytes(FaultyFunctionConfigSource.TYPE));
        record.headers().add("ce_time", KafkaEvents.bytes(Instant.now().minusSeconds(1).toString()));
        record.headers().add("content-type", KafkaEvents.bytes("application/json"));
        if (decoderFault) {
            record.headers().add("test-fault-in-decoder", KafkaEvents.bytes("yes"));
        }
    }

    private static Map<String, Object> order(String userId, String orderId) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "SKU-1");
        item.put("category", "books");
        item.put("quantity", 1);
        item.put("unitPrice", new java.math.BigDecimal("10.00"));
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", userId);
        order.put("orderId", orderId);
        order.put("currency", "EUR");
        order.put("items", List.of(item));
        order.put("total", new java.math.BigDecimal("10.00"));
        return order;
    }

    /** The dead letters of the given records, by original offset, once all are there. */
    private Map<Long, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(List<RecordMetadata> sent) {
        Map<Long, ConsumerRecord<byte[], byte[]>> byOffset = new LinkedHashMap<>();
        await().atMost(WAIT).until(() -> {
            for (ConsumerRecord<byte[], byte[]> letter : kafka.readAll(DLQ, Duration.ofSeconds(1))) {
                Header offset = letter.headers().lastHeader("dead-letter-offset");
                if (offset != null) {
                    byOffset.put(Long.parseLong(new String(offset.value(), StandardCharsets.UTF_8)), letter);
                }
            }
            return sent.stream().allMatch(s -> byOffset.containsKey(s.offset()));
        });
        return byOffset;
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }

    private static double metric(String series) {
        String exposition = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
