package com.example.profiles.rebuild;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.generation.ErasureLedger;
import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.GenerationSwitch;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.KafkaEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A rebuild from the topics into a new generation while events keep arriving and a reader keeps
 * reading, against real Redis and Kafka (one Redis in RebuildIT, a Redis Cluster in RebuildClusterIT): killed half-way and started again, it ends with the
 * switch done; no reader ever saw a profile go back (its purchase count or a source's newest event
 * time smaller than before); a shopper erased before the rebuild, whose delete never was on the
 * customers topic, is not in the new generation; and the new generation equals one built from
 * scratch, from the same topics with nothing else going on.
 */
abstract class RebuildScenario {

    public static class QuickSwitch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The old generation is kept, to be compared; a short grace after the switch.
            return Map.of("profiles.rebuild.grace", "PT2S", "profiles.rebuild.remove-old", "false", "profiles.rebuild.progress-every", "PT1S",
                    "profiles.rebuild.batch-size", "5", "profiles.rebuild.switch-lag", "2");
        }
    }

    static final String PURCHASES = "commerce.purchase.completed.v1";
    static final String CUSTOMERS = "shop.public.customers";
    static final int USERS = 12;

    @Inject
    Rebuild rebuild;
    @Inject
    GenerationSwitch generations;
    @Inject
    FreshnessIndex index;

    private final Map<String, AtomicInteger> purchasesSent = new ConcurrentHashMap<>();

    @Test
    void aRebuildWithLiveEventsKilledHalfWayEndsSwitchedEqualToAStoreBuiltFromScratch() throws Exception {
        long t = System.currentTimeMillis() - 600_000;
        List<String> users = new ArrayList<>();
        try (KafkaEvents kafka = new KafkaEvents(kafkaBootstrap())) {
            for (int u = 0; u < USERS; u++) {
                String user = "rb-" + u + "-" + newId().substring(0, 6);
                users.add(user);
                kafka.sendRaw(CUSTOMERS, "{\"id\":\"" + user + "\"}", customer(user, "c", 1_000 + u, t + u).getBytes(UTF_8));
                for (int p = 0; p < 3; p++) {
                    purchase(kafka, user, Instant.ofEpochMilli(t + 1_000 * p + u));
                }
            }
            // Erased before the rebuild: its purchases are on the topic, its delete never was
            // (compacted away, say): the erasure ledger is all that remembers it.
            String erased = "rb-erased-" + newId().substring(0, 6);
            purchase(kafka, erased, Instant.ofEpochMilli(t));
            await().atMost(Duration.ofSeconds(60)).until(() -> count(Generation.FIRST, erased) == 1
                    && users.stream().allMatch(user -> count(Generation.FIRST, user) == 3));
            postBinary("com.example.customers.changed.v1", newId(), "/test/rebuild", null, customer(erased, "d", 900_000, t + 100_000))
                    .statusCode(200);
            assertThat(RedisCommands.call(redisFor(ErasureLedger.KEY), "ZCARD", ErasureLedger.KEY)).isEqualTo(1L);

            // Killed half-way: stopped after a few records, the pointer still says BUILDING.
            Rebuild.Report stopped = rebuild.run(quiet(), Rebuild.Stop.afterRecords(10));
            assertThat(stopped.finished()).isFalse();
            assertThat(generations.read().phase()).isEqualTo(GenerationState.Phase.BUILDING);
            // Killed again: the second run went on after what the first applied, not from the start
            // (nothing writes the new generation but the rebuild yet, so a record read twice would be a duplicate).
            Rebuild.Report again = rebuild.run(quiet(), Rebuild.Stop.afterRecords(10));
            assertThat(again.read()).isGreaterThanOrEqualTo(10);
            assertThat(again.outcomes()).doesNotContainKey("duplicate");

            // Started again, with events arriving and a reader reading throughout.
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> backwards = new CopyOnWriteArrayList<>();
            AtomicInteger reads = new AtomicInteger();
            Thread live = new Thread(() -> {
                try (KafkaEvents producer = new KafkaEvents(kafkaBootstrap())) {
                    int n = 0;
                    while (running.get()) {
                        purchase(producer, users.get(n++ % USERS), Instant.now().minusSeconds(1));
                        sleep(40);
                    }
                }
            });
            Thread reader = new Thread(() -> {
                Map<String, long[]> seen = new TreeMap<>();
                int n = 0;
                while (running.get()) {
                    String user = users.get(n++ % USERS);
                    JsonNode profile = readProfile(user);
                    if (profile == null) {
                        continue;
                    }
                    reads.incrementAndGet();
                    long count = profile.at("/purchases/count").asLong();
                    long newest = profile.at("/freshness/purchase/eventAt").asLong();
                    long[] before = seen.put(user, new long[] { count, newest });
                    if (before != null && (count < before[0] || newest < before[1])) {
                        backwards.add(user + ": count " + before[0] + " -> " + count + ", newest " + before[1] + " -> " + newest);
                    }
                }
            });
            live.start();
            reader.start();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            Rebuild.Report done;
            try {
                done = rebuild.run(new PrintStream(printed, true, UTF_8));
            } finally {
                running.set(false);
                live.join();
                reader.join();
            }
            System.out.print(printed.toString(UTF_8));
            assertThat(done.finished()).isTrue();
            assertThat(done.end()).isEqualTo(new GenerationState(new Generation(1), null, GenerationState.Phase.IDLE, done.end().version()));
            assertThat(printed.toString(UTF_8)).contains("every partition still holds its whole history", "erased shoppers from the erasure ledger")
                    .contains("DUAL").contains("SWITCHED");
            assertThat(reads.get()).isGreaterThan(20);
            assertThat(backwards).as("reads that went back").isEmpty();

            // Every purchase sent is counted once in the new generation, which readers now get.
            Generation rebuilt = new Generation(1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String user : users) {
                    assertThat(count(rebuilt, user)).as(user).isEqualTo(purchasesSent.get(user).get());
                }
            });
            for (String user : users.subList(0, 3)) {
                assertThat(readProfile(user).at("/purchases/count").asInt()).isEqualTo(purchasesSent.get(user).get());
            }
            assertThat(RedisCommands.call(redisFor(ProfileKeys.profile(rebuilt, erased)), "EXISTS", ProfileKeys.profile(rebuilt, erased)))
                    .as("the erased shopper").isEqualTo(0L);
            assertThat(indexed(rebuilt, erased)).isEmpty();

            // A store built from scratch (another rebuild, nothing else going on) holds the same.
            Rebuild.Report scratch = rebuild.run(quiet());
            assertThat(scratch.end().current()).isEqualTo(new Generation(2));
            for (String user : users) {
                assertThat(comparable(new Generation(2), user)).as(user).isEqualTo(comparable(rebuilt, user)).isNotEmpty();
            }
        }
    }

    // --- helpers

    private void purchase(KafkaEvents kafka, String user, Instant at) {
        int n = purchasesSent.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
        Map<String, Object> item = new java.util.LinkedHashMap<>();
        item.put("sku", "SKU-" + (n % 5));
        item.put("category", "books");
        item.put("quantity", 1);
        item.put("unitPrice", new BigDecimal("2.50"));
        Map<String, Object> order = new java.util.LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-" + user + "-" + n);
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(item));
        order.put("total", new BigDecimal("2.50"));
        kafka.sendBinary(PURCHASES, user, PURCHASE_TYPE, user + "-" + n, "/test/rebuild", at, json(order));
    }

    /** A Debezium change of the customers table (the fixture's shape): op, log position, commit time. */
    private static String customer(String user, String op, long lsn, long commitMillis) {
        try (InputStream in = RebuildScenario.class.getResourceAsStream("/fixtures/debezium/customers-insert.json")) {
            ObjectNode change = (ObjectNode) CloudEvents.JSON.readTree(in);
            ((ObjectNode) change.get("after")).put("id", user);
            change.put("op", op);
            if (op.equals("d")) {
                change.set("before", CloudEvents.JSON.createObjectNode().put("id", user));
                change.putNull("after");
            }
            ((ObjectNode) change.get("source")).put("lsn", lsn).put("txId", lsn / 1000).put("ts_ms", commitMillis);
            change.put("ts_ms", commitMillis + 100);
            return change.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readProfile(String user) {
        var response = given().get("/profiles/" + user).then().extract();
        if (response.statusCode() != 200) {
            return null;
        }
        try {
            return CloudEvents.JSON.readTree(response.asString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long count(Generation generation, String user) {
        String key = ProfileKeys.profile(generation, user);
        Object value = RedisCommands.call(redisFor(key), "HGET", key, "purchase:count");
        return value == null ? 0 : Long.parseLong(value.toString());
    }

    /** The profile hash without what depends on when it was written (version, write times, the retired mark). */
    private Map<String, String> comparable(Generation generation, String user) {
        String key = ProfileKeys.profile(generation, user);
        Map<String, String> hash = new TreeMap<>(RedisCommands.asMap(RedisCommands.call(redisFor(key), "HGETALL", key)));
        hash.keySet().removeIf(field -> field.equals("version") || field.endsWith(":written_at") || field.startsWith("generation:"));
        return hash;
    }

    private List<String> indexed(Generation generation, String user) {
        int shard = index.shard(user);
        List<String> keys = new ArrayList<>();
        for (String source : FreshnessIndex.SOURCES) {
            keys.add(FreshnessIndex.indexKey(generation, source, shard));
        }
        for (String queue : FreshnessIndex.QUEUES) {
            keys.add(FreshnessIndex.queueKey(generation, queue, shard));
        }
        return keys.stream().filter(key -> RedisCommands.call(redisFor(key), "ZSCORE", key, user) != null).toList();
    }

    /** The Redis (node) that holds {@code key}. */
    abstract String redisFor(String key);

    abstract String kafkaBootstrap();

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
