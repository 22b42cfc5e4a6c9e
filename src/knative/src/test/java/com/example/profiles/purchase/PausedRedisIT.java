package com.example.profiles.purchase;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * A store that hangs rather than fails: the real redis-server frozen with SIGSTOP, or told to hold
 * every client with CLIENT PAUSE. Every Redis call has a deadline ({@code profiles.store.timeout},
 * 1.5 s): HTTP answers 503 with Retry-After in about that time instead of waiting for the pause to
 * end, and a Kafka record is retried in place and applied once Redis answers again. A command that
 * timed out may still run when Redis wakes up; the retry is then a duplicate, and either way the
 * event is applied exactly once.
 */
@LongTest
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class PausedRedisIT {

    /** Far more than the deadline: an answer before it ends did not wait for Redis. */
    private static final Duration FROZEN_AT_MOST = Duration.ofSeconds(15);
    /** The deadline (1.5 s) plus the deadline check's period and room for a loaded machine. */
    private static final long ANSWER_WITHIN_MILLIS = 5_000;

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void overHttpAFrozenRedisIsAnswered503WithinTheDeadlineAndTheRetryAppliesOnce() {
        String user = "frozen-http-" + newId();
        String id = newId();
        String data = json(Purchases.order(user, "o-frozen", "EUR"));
        Instant time = Instant.now();
        // Something to read, written before the freeze.
        String reader = "frozen-read-" + newId();
        postBinary(PURCHASE_TYPE, newId(), "/test/frozen", time, json(Purchases.order(reader, "o-r", "EUR"))).statusCode(200);

        infrastructure.redis().freeze();
        // If the answers waited for Redis, this thaw would be what ends the wait.
        CompletableFuture<Void> thaw = CompletableFuture.runAsync(() -> infrastructure.redis().unfreeze(),
                CompletableFuture.delayedExecutor(FROZEN_AT_MOST.toMillis(), TimeUnit.MILLISECONDS));
        try {
            long started = System.nanoTime();
            ExtractableResponse<Response> write = postBinary(PURCHASE_TYPE, id, "/test/frozen", time, data).extract();
            long writeMillis = (System.nanoTime() - started) / 1_000_000;
            started = System.nanoTime();
            ExtractableResponse<Response> read = given().get("/profiles/" + reader).then().extract();
            long readMillis = (System.nanoTime() - started) / 1_000_000;

            System.out.printf("[deadline] Redis frozen: POST answered %d after %d ms, GET /profiles answered %d after %d ms%n",
                    write.statusCode(), writeMillis, read.statusCode(), readMillis);
            assertThat(write.statusCode()).isEqualTo(503);
            assertThat(write.header("Retry-After")).isEqualTo("1");
            assertThat(write.jsonPath().getString("error")).isEqualTo("profile store unavailable, nothing was written; retry");
            assertThat(writeMillis).isLessThan(ANSWER_WITHIN_MILLIS);
            assertThat(read.statusCode()).isEqualTo(503);
            assertThat(read.header("Retry-After")).isEqualTo("1");
            assertThat(readMillis).isLessThan(ANSWER_WITHIN_MILLIS);
        } finally {
            thaw.cancel(false);
            infrastructure.redis().unfreeze();
        }

        // The sender retries: applied now, or a duplicate if the timed-out script ran when Redis woke.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> postBinary(PURCHASE_TYPE, id, "/test/frozen", time, data).statusCode(200));
        postBinary(PURCHASE_TYPE, id, "/test/frozen", time, data).statusCode(200).body("duplicate", equalTo(true));
        assertThat(profile(user)).containsEntry("purchase:count", "1").containsEntry("purchase:spend_minor", "13499");
        given().get("/profiles/" + reader).then().statusCode(200);
    }

    @Test
    void onKafkaARecordWaitsOutAClientPauseAndAppliesOnce() throws InterruptedException {
        String user = "paused-kafka-" + newId();
        String group = "profile-functions-purchase";
        String retries = "profile_event_retries_total{function=\"purchase\",reason=\"store-timeout\",trigger=\"kafka\",type=\"" + PURCHASE_TYPE + "\"}";
        String failed = "profile_events_total{function=\"purchase\",outcome=\"failed\",trigger=\"kafka\",type=\"" + PURCHASE_TYPE + "\"}";
        double retriesBefore = metric(retries);
        double failedBefore = metric(failed);
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            RecordMetadata warmUp = kafka.sendBinary(PurchaseKafkaIT.TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(),
                    json(Purchases.order("warm-" + newId(), "o-w", "EUR")));
            await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committedOffset(group, PurchaseKafkaIT.TOPIC) > warmUp.offset());

            // Every client's commands are held for 8 s (the app's, and ours until it ends).
            RedisCommands.call(infrastructure.redis().uri(), "CLIENT", "PAUSE", "8000", "ALL");
            long paused = System.nanoTime();
            RecordMetadata record = kafka.sendBinary(PurchaseKafkaIT.TOPIC, user, PURCHASE_TYPE, newId(), "/test/kafka", Instant.now(),
                    json(Purchases.order(user, "o-paused", "EUR")));
            Thread.sleep(Math.max(0, 6_000 - (System.nanoTime() - paused) / 1_000_000));
            assertThat(kafka.committedOffset(group, PurchaseKafkaIT.TOPIC)).isLessThanOrEqualTo(record.offset());

            await().atMost(Duration.ofSeconds(30)).until(() -> profile(user).containsKey("version"));
            await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committedOffset(group, PurchaseKafkaIT.TOPIC) > record.offset());
            assertThat(profile(user)).containsEntry("purchase:count", "1").containsEntry("version", "1");
        }
        // The attempts that ran into the deadline are retries, not failed events.
        assertThat(metric(retries)).isGreaterThan(retriesBefore);
        assertThat(metric(failed)).isEqualTo(failedBefore);
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
