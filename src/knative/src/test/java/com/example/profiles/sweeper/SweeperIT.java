package com.example.profiles.sweeper;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.profiles.store.Generation;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The sweeper against real Redis and Kafka: each policy on profiles made stale by their event
 * times, check-and-act races, overlapping and interrupted sweeps, and a cost that follows the
 * stale count, not the population. Redis is emptied before each test: the sweep is global.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class SweeperIT {

    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";
    static final String CUSTOMER_TYPE = "com.example.customers.changed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Inject
    Sweeper sweeper;

    @BeforeEach
    void emptyRedis() {
        RedisCommands.call(redis(), "FLUSHALL");
    }

    @Test
    void anActiveCartLeftAloneIsAbandonedAndLaterCleared() {
        Instant now = Instant.now();
        String longAgo = cart("old", now.minus(25, ChronoUnit.HOURS));
        String halfHourAgo = cart("recent", now.minus(40, ChronoUnit.MINUTES));
        String fresh = cart("fresh", now.minus(5, ChronoUnit.MINUTES));
        String converted = cart("converted", now.minus(50, ChronoUnit.MINUTES));
        purchase(converted, "c-1", now.minus(45, ChronoUnit.MINUTES));

        SweepReport report = sweeper.sweep();

        assertThat(report.ran()).isTrue();
        assertThat(report.actions()).containsEntry("cart-abandon:abandoned", 2).containsEntry("cart-clear:cleared", 1)
                .containsEntry("cart-abandon:nothing", 1);
        assertThat(profile(longAgo)).containsEntry("cart:status", "expired").containsEntry("cart:items", "0");
        assertThat(profile(halfHourAgo)).containsEntry("cart:status", "abandoned").containsEntry("cart:items", "2");
        assertThat(profile(fresh)).containsEntry("cart:status", "active");
        assertThat(profile(converted)).containsEntry("cart:status", "converted");
        // The sweeper's own operations are not the shopper's: the cart's event time stays.
        assertThat(profile(halfHourAgo)).containsEntry("src:cart:event_at", Long.toString(now.minus(40, ChronoUnit.MINUTES).toEpochMilli()));
        // The abandoned cart now waits in the clear queue for its own due time.
        assertThat(score(FreshnessIndex.CART_CLEAR, halfHourAgo))
                .isEqualTo(now.minus(40, ChronoUnit.MINUTES).plus(24, ChronoUnit.HOURS).toEpochMilli());

        // Nothing is due any more: a second sweep touches nothing.
        assertThat(sweeper.sweep().entriesTouched()).isZero();
    }

    @Test
    void staleCustomerAttributesAreQueuedForRefreshSoonerForActiveShoppers() {
        Instant now = Instant.now();
        Instant twoHoursAgo = now.minus(2, ChronoUnit.HOURS);
        String active = customer("active", twoHoursAgo);
        purchase(active, null, now.minus(10, ChronoUnit.MINUTES));
        String inactive = customer("inactive", twoHoursAgo);
        String longAgo = customer("old", now.minus(25, ChronoUnit.HOURS));

        SweepReport report = sweeper.sweep();

        assertThat(report.actions()).containsEntry("customer-refresh:requested", 2).containsEntry("customer-refresh:not-due", 1);
        List<ConsumerRecord<byte[], byte[]>> requests = requests();
        assertThat(requests).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder(active, longAgo);
        assertThat(new String(requests.get(0).value(), StandardCharsets.UTF_8)).contains("\"type\":\"" + RefreshRequests.TYPE + "\"");
        // The inactive shopper's entry moved to its own due time: 24 hours after the change.
        assertThat(score(FreshnessIndex.CUSTOMER_REFRESH, inactive)).isEqualTo(twoHoursAgo.plus(24, ChronoUnit.HOURS).toEpochMilli());

        // Asked once: the next sweep does not ask again while the refresh is pending.
        sweeper.sweep();
        assertThat(requests()).hasSize(2);
    }

    @Test
    void theSweepForgetsInstancesLongGoneFromTheGenerationPointersRoll() {
        String instances = com.example.profiles.generation.Generations.INSTANCES;
        long now = System.currentTimeMillis();
        RedisCommands.call(redis(), "HSET", instances, "reclaimed-lambda-environment", "3|" + (now - 3_600_000), "just-seen", "3|" + now);
        sweeper.sweep();
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", instances))).containsKey("just-seen")
                .doesNotContainKey("reclaimed-lambda-environment");
    }

    @Test
    void aProfileWithoutEventsForNinetyDaysIsDeleted() {
        Instant now = Instant.now();
        String old = purchase("expire-" + newId(), null, now.minus(91, ChronoUnit.DAYS));
        String recent = purchase("keep-" + newId(), null, now.minus(89, ChronoUnit.DAYS));

        SweepReport report = sweeper.sweep();

        assertThat(report.actions()).containsEntry("profile-expire:expired", 1);
        assertThat(profile(old)).isEmpty();
        assertThat(RedisCommands.call(redis(), "EXISTS", "profile:{" + old + "}:recent-skus")).isEqualTo(0L);
        assertThat(score("purchase-index", old)).isNull();
        assertThat(profile(recent)).containsEntry("purchase:count", "1");
    }

    @Test
    void anEntryRefreshedBetweenSelectAndActIsLeftAlone() {
        Instant now = Instant.now();
        String user = cart("race", now.minus(40, ChronoUnit.MINUTES));
        FreshnessIndex index = indexBean();
        List<Sweeper.DueEntry> due = sweeper.selectDue(Generation.FIRST, FreshnessIndex.CART_ABANDON, index.shard(user), now.toEpochMilli(), 100);
        assertThat(due).extracting(Sweeper.DueEntry::userId).contains(user);

        cartChange(user, "ITEM_ADDED", 1, Instant.now()); // the shopper comes back
        String decision = sweeper.act(due.stream().filter(e -> e.userId().equals(user)).findFirst().orElseThrow());

        assertThat(decision).isEqualTo("not-due");
        assertThat(profile(user)).containsEntry("cart:status", "active").containsEntry("cart:items", "3");
        assertThat(score(FreshnessIndex.CART_ABANDON, user)).isGreaterThan(now.toEpochMilli());
    }

    @Test
    void overlappingSweepsDoTheWorkOnce() throws Exception {
        List<String> users = staleCarts(20);
        CompletableFuture<SweepReport> first = CompletableFuture.supplyAsync(sweeper::sweep);
        CompletableFuture<SweepReport> second = CompletableFuture.supplyAsync(sweeper::sweep);
        List<SweepReport> reports = List.of(first.get(), second.get());

        assertThat(reports.stream().mapToInt(r -> r.actions().getOrDefault("cart-abandon:abandoned", 0)).sum()).isEqualTo(20);
        for (String user : users) {
            assertThat(profile(user)).containsEntry("cart:status", "abandoned");
            assertThat(abandonOps(user)).isEqualTo(1);
        }
        // Even without the lease (it expired mid-run, say), acting twice on one entry acts once.
        String user = users.get(0);
        String again = sweeper.act(new Sweeper.DueEntry(Generation.FIRST, FreshnessIndex.CART_ABANDON, indexBean().shard(user), user, 0));
        assertThat(again).isEqualTo("nothing");
        assertThat(abandonOps(user)).isEqualTo(1);
    }

    @Test
    void aSweepThatDiesHalfWayIsFinishedByTheNextRun() throws InterruptedException {
        List<String> users = staleCarts(30);
        // A run that stops after 10 entries, as if it had died there...
        SweepReport partial = sweeper.sweep(10);
        assertThat(partial.entriesTouched()).isEqualTo(10);
        assertThat(partial.complete()).isFalse();
        // ...and a dead run's lease, left behind: the next tick is kept out until it expires.
        RedisCommands.call(redis(), "SET", Sweeper.LEASE_KEY, "dead-run", "PX", "1500");
        assertThat(sweeper.sweep().ran()).isFalse();
        Thread.sleep(1600);

        SweepReport rest = sweeper.sweep();
        assertThat(rest.ran()).isTrue();
        assertThat(rest.actions()).containsEntry("cart-abandon:abandoned", 20);
        for (String user : users) {
            assertThat(abandonOps(user)).as("ABANDONED operations of " + user).isEqualTo(1);
        }
    }

    @Test
    void theSweepCostFollowsTheStaleCountNotThePopulation() {
        staleCarts(25);
        freshProfiles(50);
        SweepReport small = sweeper.sweep();

        RedisCommands.call(redis(), "FLUSHALL");
        staleCarts(25);
        freshCartsThroughKafka(2000);
        SweepReport large = sweeper.sweep();

        assertThat(small.entriesTouched()).isEqualTo(25);
        assertThat(large.entriesTouched()).isEqualTo(small.entriesTouched());
        assertThat(large.actions()).isEqualTo(small.actions());
    }

    // --- helpers

    private List<String> staleCarts(int count) {
        List<String> users = new ArrayList<>();
        Instant at = Instant.now().minus(40, ChronoUnit.MINUTES);
        for (int i = 0; i < count; i++) {
            users.add(cart("stale-" + i, at));
        }
        return users;
    }

    private void freshProfiles(int count) {
        Instant at = Instant.now().minus(1, ChronoUnit.MINUTES);
        for (int i = 0; i < count; i++) {
            // A fresh cart and a fresh purchase: in every index and queue, due in the future.
            String user = cart("fresh-" + i, at);
            purchase(user, null, at);
        }
    }

    /** Many fresh carts, quickly: through the cart function's Kafka consumer. */
    private void freshCartsThroughKafka(int count) {
        Instant at = Instant.now().minus(1, ChronoUnit.MINUTES);
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            long last = -1;
            for (int i = 0; i < count; i++) {
                String user = "kfresh-" + i + "-" + newId().substring(0, 8);
                Map<String, Object> change = Map.of("userId", user, "cartId", "c-1", "action", "ITEM_ADDED", "sku", "MUG", "category", "home",
                        "quantity", 1, "unitPrice", 8, "currency", "EUR", "occurredAt", at.toString());
                last = kafka.sendBinaryAsync("commerce.cart.changed.v1", user, CART_TYPE, newId(), "/test/sweep", null, json(change));
            }
            long lastOffset = kafka.flushAndGetLastOffset(last);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> kafka.committedOffset("profile-functions-cart", "commerce.cart.changed.v1") > lastOffset);
        }
    }

    private String cart(String prefix, Instant at) {
        String user = prefix + "-" + newId().substring(0, 8);
        cartChange(user, "ITEM_ADDED", 2, at);
        return user;
    }

    private void cartChange(String user, String action, int quantity, Instant at) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("userId", user);
        change.put("cartId", "c-1");
        change.put("action", action);
        change.put("sku", "MUG");
        change.put("category", "home");
        change.put("quantity", quantity);
        change.put("unitPrice", 8);
        change.put("currency", "EUR");
        change.put("occurredAt", at.toString());
        postBinary(CART_TYPE, newId(), "/test/sweep", null, json(change)).statusCode(200).body("status", equalTo("APPLIED"));
    }

    private String purchase(String user, String cartId, Instant at) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-" + newId());
        if (cartId != null) {
            order.put("cartId", cartId);
        }
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(Map.of("sku", "MUG", "category", "home", "quantity", 2, "unitPrice", 8)));
        order.put("total", 16);
        postBinary(PURCHASE_TYPE, newId(), "/test/sweep", null, json(order)).statusCode(200).body("status", equalTo("APPLIED"));
        return user;
    }

    private String customer(String prefix, Instant at) {
        String user = prefix + "-" + newId().substring(0, 8);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user);
        row.put("tier", "gold");
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("name", "shop");
        source.put("db", "shop");
        source.put("table", "customers");
        source.put("lsn", 1000);
        source.put("txId", 1);
        source.put("ts_ms", at.toEpochMilli());
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("before", null);
        change.put("after", row);
        change.put("source", source);
        change.put("op", "c");
        postBinary(CUSTOMER_TYPE, newId(), "/test/sweep", null, json(change)).statusCode(200).body("status", equalTo("APPLIED"));
        return user;
    }

    /** The refresh requests sent since this test started. */
    private List<ConsumerRecord<byte[], byte[]>> requests() {
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            return kafka.readAll("profiles.customer-refresh-requests.v1", Duration.ofSeconds(2)).stream()
                    .filter(r -> r.timestamp() >= testStarted)
                    .toList();
        }
    }

    private final long testStarted = System.currentTimeMillis();

    private long abandonOps(String user) {
        List<?> log = (List<?>) RedisCommands.call(redis(), "ZRANGE", "profile:{" + user + "}:cart-log", "0", "-1");
        return log.stream().filter(m -> m.toString().contains("\"ABANDONED\"")).count();
    }

    private FreshnessIndex indexBean() {
        return io.quarkus.arc.Arc.container().instance(FreshnessIndex.class).get();
    }

    /** The user's score in a queue, or (for "purchase-index") in the purchase freshness index. */
    private Long score(String queue, String user) {
        int shard = indexBean().shard(user);
        String key = queue.equals("purchase-index") ? FreshnessIndex.indexKey("purchase", shard) : FreshnessIndex.queueKey(queue, shard);
        Object score = RedisCommands.call(redis(), "ZSCORE", key, user);
        return score == null ? null : (long) Double.parseDouble(score.toString());
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}"));
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
