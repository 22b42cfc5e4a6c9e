package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.testing.RedisSnapshot;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The Lambda binding reads Kafka records with the same decoder as the Kafka consumer, so it takes
 * and refuses exactly what the other channels do: absurd magnitudes, amounts a double would have
 * changed, times outside the window, duplicate keys, numbers for strings, unpaired surrogates are
 * dead-lettered with a bounded reason; none fails the batch; the user's keys are unchanged; the
 * valid records of the batch (one with its data as data_base64) are applied.
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Purchase.class)
@WithTestResource(RealInfrastructure.class)
class LambdaHostileInputIT {

    static final String TOPIC = "commerce.purchase.completed.v1";
    static final String DLQ = TOPIC + ".dlq";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void hostileRecordsAreDeadLetteredAndFailNothing() {
        String user = "lam-hostile-" + newId().substring(0, 8);
        String time = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS).toString();
        KafkaBatchEvents.msk().binary(TOPIC, 0, 1, user, PURCHASE_TYPE, newId(), "/test/lambda", null, order(user, "o-first", "100.00", time, ""))
                .invoke().statusCode(200).body("batchItemFailures", empty());
        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);

        Map<String, String> reasons = new LinkedHashMap<>(); // record key -> what its dead-letter reason says
        KafkaBatchEvents batch = KafkaBatchEvents.msk();
        long offset = 10;
        String run = newId().substring(0, 8);
        List<String[]> hostileData = List.of( // the reason's words, the data
                new String[] { "items[0].unitPrice: is out of range", order(user, "o", "1e1000000", time, "") },
                new String[] { "items[0].unitPrice: is out of range", order(user, "o", "1e10000000", time, "") },
                new String[] { "items[0].unitPrice: is out of range", order(user, "o", "1e-400", time, "") },
                new String[] { "occurredAt: lies before 2000-01-01T00:00:00Z", order(user, "o", "100.00", "-999999999-01-01T00:00:00Z", "") },
                new String[] { "has the key 'total' twice", order(user, "o", "100.00", time, ",\"total\":0") },
                new String[] { "userId: must be text (a JSON string), not a number", order(user, "o", "100.00", time, "").replace("\"" + user + "\"", "0") },
                new String[] { "items[0].sku: must be well-formed Unicode text", order(user, "o", "100.00", time, "").replace("SKU-1", "SKU-\\ud800") });
        for (String[] hostile : hostileData) {
            String key = run + "-" + offset;
            reasons.put(key, hostile[0]);
            batch.binary(TOPIC, 0, offset++, key, PURCHASE_TYPE, newId(), "/test/lambda", null, hostile[1]);
        }
        // Structured mode: 100.00000000000001 read through a double would have been 100.00, a valid total.
        String structuredKey = run + "-" + offset;
        reasons.put(structuredKey, "total: numeric value out of bounds");
        batch.record(TOPIC, 0, offset++, bytes(structuredKey), bytes(structured(order(user, "o", "100.00000000000001", time, ""), false)),
                Map.of("content-type", bytes("application/cloudevents+json")));
        String timeKey = run + "-" + offset;
        reasons.put(timeKey, "time: lies before");
        batch.record(TOPIC, 0, offset++, bytes(timeKey), bytes(order(user, "o", "100.00", time, "")), Map.of("ce_specversion", bytes("1.0"),
                "ce_id", bytes(newId()), "ce_source", bytes("/test/lambda"), "ce_type", bytes(PURCHASE_TYPE), "ce_time",
                bytes("-999999999-01-01T00:00:00Z")));
        String valid = user + "-valid";
        batch.binary(TOPIC, 0, offset++, valid, PURCHASE_TYPE, newId(), "/test/lambda", null, order(valid, "o-valid", "100.00", time, ""));
        String base64 = user + "-base64";
        batch.record(TOPIC, 0, offset++, bytes(base64), bytes(structured(order(base64, "o-b64", "100.00", time, ""), true)),
                Map.of("content-type", bytes("application/cloudevents+json")));

        batch.invoke().statusCode(200).body("batchItemFailures", empty());

        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + valid + "}"))).containsEntry("purchase:spend_minor", "10000");
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + base64 + "}"))).containsEntry("purchase:spend_minor", "10000");
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(DLQ, Duration.ofSeconds(3));
            for (Map.Entry<String, String> expected : reasons.entrySet()) {
                ConsumerRecord<byte[], byte[]> letter = dead.stream()
                        .filter(r -> r.key() != null && expected.getKey().equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst()
                        .orElseThrow(() -> new AssertionError("no dead letter for " + expected.getValue()));
                String reason = KafkaEvents.header(letter, "dead-letter-reason");
                assertThat(reason).contains(expected.getValue());
                assertThat(reason.length()).isLessThan(2_000);
            }
        }
    }

    /** An order of one line; {@code extra} is appended to the object as raw JSON (a duplicate key, say). */
    private static String order(String user, String orderId, String amount, String occurredAt, String extra) {
        return "{\"userId\":\"" + user + "\",\"orderId\":\"" + orderId + "\",\"currency\":\"EUR\",\"occurredAt\":\"" + occurredAt
                + "\",\"items\":[{\"sku\":\"SKU-1\",\"category\":\"c\",\"quantity\":1,\"unitPrice\":" + amount + "}],\"total\":" + amount + extra + "}";
    }

    private static String structured(String data, boolean asBase64) {
        String head = "{\"specversion\":\"1.0\",\"id\":\"" + newId() + "\",\"source\":\"/test/lambda\",\"type\":\"" + PURCHASE_TYPE + "\",";
        return asBase64 ? head + "\"data_base64\":\"" + Base64.getEncoder().encodeToString(bytes(data)) + "\"}" : head + "\"data\":" + data + "}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
