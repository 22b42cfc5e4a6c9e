package com.example.profiles.customer;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import com.example.profiles.store.Generation;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.sweeper.SweepReport;
import com.example.profiles.sweeper.Sweeper;
import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.CommandStats;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Erasure whatever the arrival order (a delete at time E erases what the profile learned from
 * events at or before E and keeps what newer events brought), and erasure that survives a crash
 * between its script and its index clean-up: the redelivered delete, or the sweeper, finishes it.
 * Over HTTP against real Redis; each scenario is played in event-time order for one user and in the
 * troublesome order for another, and the two profiles must be the same.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ErasureIT {

    static final String TYPE = "com.example.customers.changed.v1";
    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";
    static final String CUSTOMERS_TOPIC = "shop.public.customers";
    static final String CUSTOMERS_GROUP = "profile-functions-customer";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Inject
    FreshnessIndex index;

    @Inject
    Sweeper sweeper;

    @Test
    void aDeleteArrivingAfterANewerPurchaseKeepsThatPurchase() {
        long t = System.currentTimeMillis();
        // insert at T-60 s, a purchase at T-58 s, the delete at T-55 s, a purchase at T-50 s
        String late = user();
        post(change(late, "c", 1000, t - 60_000)).body("status", equalTo("APPLIED"));
        String before = "o-" + newId();
        String after = "o-" + newId();
        String beforeId = newId();
        String afterId = newId();
        purchase(late, before, "BOOK-1", t - 58_000, beforeId).body("status", equalTo("APPLIED"));
        purchase(late, after, "SHOE-1", t - 50_000, afterId).body("status", equalTo("APPLIED"));
        post(change(late, "d", 2000, t - 55_000)).body("status", equalTo("ERASED"));

        String inOrder = user();
        post(change(inOrder, "c", 1000, t - 60_000));
        purchase(inOrder, before, "BOOK-1", t - 58_000, newId());
        post(change(inOrder, "d", 2000, t - 55_000)).body("status", equalTo("ERASED"));
        purchase(inOrder, after, "SHOE-1", t - 50_000, newId()).body("status", equalTo("APPLIED"));

        JsonNode profile = profile(late);
        assertThat(profile.at("/purchases/count").asLong()).isEqualTo(1);
        assertThat(profile.at("/purchases/lastOrderId").asText()).isEqualTo(after);
        assertThat(profile.at("/recentSkus").toString()).contains("SHOE-1").doesNotContain("BOOK-1");
        assertThat(profile.get("customer").isNull()).isTrue();
        assertThat(comparable(profile)).isEqualTo(comparable(profile(inOrder)));
        assertNoTraceOf(late, "xample.com");

        // Re-deliveries: the erased purchase stays out, the kept one stays counted once.
        purchase(late, before, "BOOK-1", t - 58_000, beforeId).body("status", equalTo("STALE"));
        purchase(late, after, "SHOE-1", t - 50_000, afterId).body("status", equalTo("DUPLICATE"));
        assertThat(profile(late).at("/purchases/count").asLong()).isEqualTo(1);
    }

    @Test
    void aDeleteArrivingAfterANewerReInsertStillErasesWhatCameBeforeIt() {
        long t = System.currentTimeMillis();
        // a purchase at T-119 s, the delete (lsn 6000) at T-118 s, a re-insert (lsn 7000) at T-117 s
        String late = user();
        String order = "o-" + newId();
        purchase(late, order, "BOOK-1", t - 119_000, newId()).body("status", equalTo("APPLIED"));
        post(change(late, "c", 7000, t - 117_000)).body("status", equalTo("APPLIED"));
        post(change(late, "d", 6000, t - 118_000)).body("status", equalTo("ERASED"));

        String inOrder = user();
        purchase(inOrder, order, "BOOK-1", t - 119_000, newId());
        post(change(inOrder, "d", 6000, t - 118_000)).body("status", equalTo("ERASED"));
        post(change(inOrder, "c", 7000, t - 117_000)).body("status", equalTo("APPLIED"));

        JsonNode profile = profile(late);
        assertThat(profile.at("/purchases/count").asLong()).isZero();
        assertThat(profile.at("/recentSkus").size()).isZero();
        assertThat(profile.at("/customer/attributes/tier").asText()).isEqualTo("gold");
        assertThat(profile.at("/customer/position").asText()).isEqualTo(CustomerChangeIT.position(7000, 7));
        assertThat(comparable(profile)).isEqualTo(comparable(profile(inOrder)));

        // The older delete delivered again changes nothing; an even older change is stale.
        post(change(late, "d", 6000, t - 118_000)).body("status", equalTo("DUPLICATE"));
        post(change(late, "u", 5000, t - 119_500)).body("status", equalTo("STALE"));
        assertThat(comparable(profile(late))).isEqualTo(comparable(profile));
    }

    /**
     * A late delete of a user who has newer purchase, cart and customer data keeps all three, so it
     * takes the user out of no index. Alone in a Kafka batch (the usual case at a low rate, or a
     * re-delivery), that batch's index update is empty: it must be acknowledged like any other,
     * not stop the customer consumer (found by ScaleOutProcessIT, whose paced stream makes small batches).
     */
    @Test
    void aLateDeleteKeepingEverySourceAloneInAKafkaBatchLeavesTheConsumerRunning() {
        long t = System.currentTimeMillis();
        String user = user();
        // the delete (lsn 6000) at T-118 s; a re-insert (lsn 7000) at T-117 s, a cart at T-116 s, a purchase at T-115 s
        post(change(user, "c", 7000, t - 117_000)).body("status", equalTo("APPLIED"));
        cart(user, t - 116_000);
        purchase(user, "o-" + newId(), "BOOK-1", t - 115_000, newId()).body("status", equalTo("APPLIED"));

        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            RecordMetadata delete = kafka.sendRaw(CUSTOMERS_TOPIC, user, json(change(user, "d", 6000, t - 118_000)).getBytes(UTF_8));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> kafka.committedOffset(CUSTOMERS_GROUP, CUSTOMERS_TOPIC) > delete.offset());
            // The consumer still runs: the next change of the topic is applied.
            ObjectNode update = (ObjectNode) change(user, "u", 8000, t - 114_000);
            ((ObjectNode) update.get("after")).put("tier", "platinum");
            kafka.sendRaw(CUSTOMERS_TOPIC, user, json(update).getBytes(UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> "platinum".equals(profile(user).at("/customer/attributes/tier").asText()));
        }
        JsonNode profile = profile(user);
        assertThat(profile.at("/purchases/count").asLong()).isEqualTo(1);
        assertThat(profile.at("/cart/itemCount").asLong()).isEqualTo(1);
        assertThat(indexedIn(user)).isNotEmpty();
    }

    @Test
    void aDeleteWhoseIndexCleanUpWasInterruptedIsRepairedByItsRedelivery() {
        long t = System.currentTimeMillis();
        String user = user();
        post(change(user, "c", 1000, t - 60_000));
        purchase(user, "o-" + newId(), "BOOK-1", t - 58_000, newId());
        cart(user, t - 57_000);
        assertThat(indexedIn(user)).isNotEmpty();

        // The erasure's script runs, its index update is refused: what a crash between the two leaves.
        JsonNode delete = change(user, "d", 2000, t - 55_000);
        withoutZrem(() -> post(delete, 503));
        assertThat(keysOf(user)).containsExactly("profile:{" + user + "}:erased");
        assertThat(indexedIn(user)).as("index and queue entries left behind").isNotEmpty();

        // The same delete, delivered again (the broker retries what got no answer), finishes the clean-up.
        post(delete).body("status", equalTo("DUPLICATE"));
        assertThat(indexedIn(user)).isEmpty();
        assertThat(keysOf(user)).containsExactly("profile:{" + user + "}:erased");
    }

    @Test
    void theSweeperFinishesTheCleanUpOfAnErasedUserItMeets() {
        RedisCommands.call(redis(), "FLUSHALL"); // the sweep is global
        long t = System.currentTimeMillis();
        String user = user();
        // A cart left 40 minutes ago: its abandon entry is due now.
        cart(user, t - 40 * 60_000);
        purchase(user, "o-" + newId(), "BOOK-1", t - 39 * 60_000, newId());
        withoutZrem(() -> post(change(user, "d", 2000, t - 60_000), 503));
        assertThat(indexedIn(user)).isNotEmpty();

        SweepReport report = sweeper.sweep();

        assertThat(report.actions()).containsEntry("cart-abandon:gone", 1);
        assertThat(indexedIn(user)).isEmpty();
        assertThat(keysOf(user)).containsExactly("profile:{" + user + "}:erased");
    }

    @Test
    void anIndexUpdateThatArrivesAfterTheErasureIsTakenBack() {
        long t = System.currentTimeMillis();
        String user = user();
        String kept = user();
        post(change(user, "c", 1000, t - 60_000)).body("status", equalTo("APPLIED"));
        post(change(kept, "c", 1000, t - 60_000)).body("status", equalTo("APPLIED"));
        // Another instance opened a batch, applied the insert and gathered its index update for the
        // end of the batch; meanwhile the delete is applied here and its clean-up runs first.
        IndexBatch late = index.openBatch(null).await().atMost(Duration.ofSeconds(10));
        index.recordApplied(Generation.FIRST, user, "customer", t - 60_000, late);
        index.recordApplied(Generation.FIRST, kept, "customer", t - 60_000, late);
        post(change(user, "d", 2000, t - 55_000)).body("status", equalTo("ERASED"));
        assertThat(indexedIn(user)).isEmpty();

        index.flush(late).await().atMost(Duration.ofSeconds(10));
        assertThat(indexedIn(user)).as("an erased user put back by a late batch").isEmpty();
        assertThat(indexedIn(kept)).as("a user whose data is there stays")
                .contains(FreshnessIndex.indexKey("customer", index.shard(kept)), FreshnessIndex.queueKey(FreshnessIndex.PROFILE_EXPIRE, index.shard(kept)));

        // A batch during which no erasure happened checks nobody: one GET, not a read per user.
        IndexBatch quiet = index.openBatch(null).await().atMost(Duration.ofSeconds(10));
        index.recordApplied(Generation.FIRST, kept, "customer", t - 50_000, quiet);
        CommandStats.reset(List.of(redis()));
        index.flush(quiet).await().atMost(Duration.ofSeconds(10));
        assertThat(CommandStats.calls(List.of(redis()))).containsEntry("zadd", 3L).containsEntry("get", 1L).doesNotContainKey("hmget");

        // The same without a batch (an HTTP delivery that finished after a parallel retry erased the user).
        index.recordApplied(Generation.FIRST, user, "customer", t - 60_000, (com.example.profiles.store.Deadline) null).await().atMost(Duration.ofSeconds(10));
        assertThat(indexedIn(user)).isEmpty();
        assertThat(keysOf(user)).containsExactly("profile:{" + user + "}:erased");
    }

    @Test
    void anEventAloneChecksNobodyWhenNoErasureHappened() {
        long t = System.currentTimeMillis();
        int events = 10;
        post(change(user(), "c", 1000, t - 60_000)).body("status", equalTo("APPLIED")); // the script is loaded: no EVAL below
        // Each change's script reads the profile once (HMGET); an event alone whose index updates
        // met no erasure adds one reading of the erasure count, not a second read of the profile.
        // The generation pointer is read once a second (HMGET too): a few reads beside the scripts'.
        for (int attempt = 1;; attempt++) {
            Object epoch = RedisCommands.call(redis(), "GET", FreshnessIndex.ERASURE_EPOCH);
            CommandStats.reset(List.of(redis()));
            for (int i = 0; i < events; i++) {
                post(change(user(), "c", 1000, t - 60_000)).body("status", equalTo("APPLIED"));
            }
            Map<String, Long> calls = CommandStats.calls(List.of(redis()));
            if (attempt < 3 && !Objects.equals(epoch, RedisCommands.call(redis(), "GET", FreshnessIndex.ERASURE_EPOCH))) {
                continue; // an erasure elsewhere came in between: then the check is due
            }
            long scripts = calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
            assertThat(scripts).isEqualTo(events);
            assertThat(calls.getOrDefault("hmget", 0L) - scripts).as("reads of the profile beyond the scripts' own: %s", calls).isLessThan(events / 2);
            return;
        }
    }

    // --- helpers

    private static String user() {
        return "er-" + newId();
    }

    /** A customer change of the captured insert's shape: op, log position (lsn, txId lsn/1000), commit time. */
    private static JsonNode change(String user, String op, long lsn, long commitMillis) {
        try (InputStream in = ErasureIT.class.getResourceAsStream("/fixtures/debezium/customers-insert.json")) {
            ObjectNode change = (ObjectNode) CloudEvents.JSON.readTree(in);
            ObjectNode row = (ObjectNode) change.get("after");
            row.put("id", user);
            row.put("email", "Shopper@Example.com");
            change.put("op", op);
            if (op.equals("d")) {
                change.set("before", CloudEvents.JSON.createObjectNode().put("id", user));
                change.putNull("after");
            }
            ObjectNode source = (ObjectNode) change.get("source");
            source.put("lsn", lsn);
            source.put("txId", lsn / 1000);
            source.put("ts_ms", commitMillis);
            change.put("ts_ms", commitMillis + 100);
            return change;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ValidatableResponse post(JsonNode change) {
        return post(change, 200);
    }

    private static ValidatableResponse post(JsonNode change, int status) {
        return postBinary(TYPE, newId(), "/test/erasure", null, json(change)).statusCode(status);
    }

    private static ValidatableResponse purchase(String user, String orderId, String sku, long at, String eventId) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", sku);
        item.put("category", "books");
        item.put("quantity", 1);
        item.put("unitPrice", new BigDecimal("10.00"));
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", orderId);
        order.put("occurredAt", Instant.ofEpochMilli(at).toString());
        order.put("currency", "EUR");
        order.put("items", List.of(item));
        order.put("total", new BigDecimal("10.00"));
        return postBinary(PURCHASE_TYPE, eventId, "/test/erasure", null, json(order)).statusCode(200);
    }

    private static void cart(String user, long at) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("userId", user);
        change.put("cartId", "cart-" + user);
        change.put("action", "ITEM_ADDED");
        change.put("sku", "HAT-1");
        change.put("category", "accessories");
        change.put("quantity", 1);
        change.put("unitPrice", new BigDecimal("14.50"));
        change.put("currency", "EUR");
        change.put("occurredAt", Instant.ofEpochMilli(at).toString());
        postBinary(CART_TYPE, newId(), "/test/erasure", null, json(change)).statusCode(200).body("status", equalTo("APPLIED"));
    }

    /** The profile as GET /profiles/{id} answers it (404 answered as an empty object). */
    private static JsonNode profile(String user) {
        String body = given().get("/profiles/" + user).then().extract().asString();
        try {
            return CloudEvents.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What does not depend on arrival: the profile without version and write times. */
    private static JsonNode comparable(JsonNode profile) {
        ObjectNode copy = profile.deepCopy();
        copy.remove(List.of("userId", "version"));
        if (copy.get("freshness") instanceof ObjectNode freshness) {
            freshness.fields().forEachRemaining(f -> ((ObjectNode) f.getValue()).remove(List.of("writtenAt", "ageMillis")));
        }
        return copy;
    }

    /** The index and due-queue keys of the user's shard that still hold the user. */
    private List<String> indexedIn(String user) {
        int shard = index.shard(user);
        List<String> keys = new ArrayList<>();
        for (String source : FreshnessIndex.SOURCES) {
            keys.add(FreshnessIndex.indexKey(source, shard));
        }
        for (String queue : FreshnessIndex.QUEUES) {
            keys.add(FreshnessIndex.queueKey(queue, shard));
        }
        return keys.stream().filter(key -> RedisCommands.call(redis(), "ZSCORE", key, user) != null).toList();
    }

    /** Runs {@code action} while Redis refuses ZREM (the index clean-up's command) to the application. */
    private void withoutZrem(Runnable action) {
        RedisCommands.call(redis(), "ACL", "SETUSER", "default", "-zrem");
        try {
            action.run();
        } finally {
            RedisCommands.call(redis(), "ACL", "SETUSER", "default", "+zrem");
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> keysOf(String user) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            List<Object> reply = (List<Object>) RedisCommands.call(redis(), "SCAN", cursor, "MATCH", "profile:\\{" + user + "\\}*", "COUNT", "1000");
            cursor = (String) reply.get(0);
            ((List<Object>) reply.get(1)).forEach(k -> keys.add((String) k));
        } while (!cursor.equals("0"));
        return keys;
    }

    @SuppressWarnings("unchecked")
    private void assertNoTraceOf(String user, String text) {
        for (String key : keysOf(user)) {
            String type = (String) RedisCommands.call(redis(), "TYPE", key);
            Object content = type.equals("hash") ? RedisCommands.call(redis(), "HGETALL", key) : RedisCommands.call(redis(), "ZRANGE", key, "0", "-1");
            assertThat(String.valueOf(content)).as(key).doesNotContain(text);
        }
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
