package com.example.profiles.observability;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.FreshnessSettings;
import com.example.profiles.freshness.LagHistory;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.intake.DeadLetterCounter;
import com.example.profiles.sweeper.RecentSweeps;
import com.example.profiles.sweeper.SweepReport;
import com.example.profiles.sweeper.Sweeper;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The freshness page as a real browser (headless Chromium) renders it, after real events of every
 * source over HTTP, an invalid one dead-lettered over Kafka and a sweep that raises alerts: each
 * number it shows is checked against Redis, read here with another client, and against the app's
 * meters and the alerts topic. With Redis hanging, the page still answers at once with what this
 * instance knows. Redis is emptied first: the page shows global state. Without Chromium the test
 * says so in one line and is skipped.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class FreshnessPageIT {

    static final String CART_TYPE = "com.example.commerce.cart.changed.v1";
    static final String CUSTOMER_TYPE = "com.example.customers.changed.v1";
    static final String CART_TOPIC = "commerce.cart.changed.v1";
    static final String CART_DEAD_LETTERS = "commerce.cart.changed.v1.dlq";
    static final String ALERTS_TOPIC = "profiles.freshness-alerts.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Inject
    Sweeper sweeper;

    @Inject
    LagWindows lagWindows;

    @Inject
    LagHistory lagHistory;

    @Inject
    FreshnessSettings settings;

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/freshness")
    URL page;

    @Test
    void everyNumberOnThePageIsWhatRedisAndTheMetersHold() throws Exception {
        requireChromium();
        // Counts this instance gathered during earlier tests go out first, then everything goes.
        lagWindows.flush().await().atMost(Duration.ofSeconds(5));
        RedisCommands.call(redis(), "FLUSHALL");
        long started = System.currentTimeMillis();
        long firstPeriod = started / LagHistory.PERIOD_MILLIS * LagHistory.PERIOD_MILLIS;
        Map<String, Long> chartBefore = chartCounts(lagHistory.points(started), firstPeriod);
        double deadLettersBefore = deadLetters("cart", "invalid:sku");

        Instant now = Instant.now();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            users.add(cart(now.minus(40, ChronoUnit.MINUTES))); // left alone: stale after 30 minutes
        }
        users.add(cart(now));
        users.add(purchase(now));
        users.add(purchase(now));
        users.add(purchase(now.minus(35, ChronoUnit.DAYS))); // stale after 30 days
        users.add(customer(now));
        users.add(customer(now.minus(25, ChronoUnit.HOURS))); // stale after 24 hours
        Map<String, Long> applied = Map.of("cart", 6L, "purchase", 3L, "customer", 2L);

        String refusedUser = "page-refused-" + newId().substring(0, 8);
        sendCartWithoutSkuOverKafka(refusedUser, deadLettersBefore);

        lagWindows.flush().await().atMost(Duration.ofSeconds(5));
        SweepReport report = sweeper.sweep();
        assertThat(report.ran()).isTrue();

        String dom = HeadlessChromium.dumpDom(page.toString());
        HeadlessChromium.screenshot(page.toString(), Path.of("target", "freshness-page.png"), 1280, 1600);

        Map<String, String> body = HeadlessChromium.elements(dom, "body", "data-redis").get(0);
        assertThat(body).containsEntry("data-redis", "available");
        long generatedAt = Long.parseLong(body.get("data-generated-at"));

        // Each source: counted here with ZCARD and ZCOUNT over the shards, at the page's own "now".
        List<Map<String, String>> rows = HeadlessChromium.elements(dom, "tr", "data-stale-share");
        assertThat(rows).extracting(r -> r.get("data-source")).containsExactly(FreshnessIndex.SOURCES.toArray(String[]::new));
        for (Map<String, String> row : rows) {
            String source = row.get("data-source");
            long cutoff = generatedAt - settings.sources().get(source).staleAfter().toMillis();
            long total = 0;
            long stale = 0;
            Long oldest = null;
            for (int shard = 0; shard < settings.shards(); shard++) {
                String key = FreshnessIndex.indexKey(source, shard);
                total += (Long) RedisCommands.call(redis(), "ZCARD", key);
                stale += (Long) RedisCommands.call(redis(), "ZCOUNT", key, "-inf", "(" + cutoff);
                List<?> first = (List<?>) RedisCommands.call(redis(), "ZRANGE", key, "0", "0", "WITHSCORES");
                if (!first.isEmpty()) {
                    long score = (long) Double.parseDouble(first.get(1).toString());
                    oldest = oldest == null ? score : Math.min(oldest, score);
                }
            }
            assertThat(row).as(source).containsEntry("data-profiles", Long.toString(total)).containsEntry("data-stale", Long.toString(stale))
                    .containsEntry("data-stale-share", String.format(Locale.ROOT, "%.4f", (double) stale / total))
                    .containsEntry("data-oldest-event-at", Long.toString(oldest));
        }
        assertThat(row(rows, "cart")).containsEntry("data-profiles", "6").containsEntry("data-stale", "5").containsEntry("data-stale-share", "0.8333");
        assertThat(row(rows, "purchase")).containsEntry("data-profiles", "3").containsEntry("data-stale", "1");
        assertThat(row(rows, "customer")).containsEntry("data-profiles", "2").containsEntry("data-stale", "1");
        assertThat(Long.parseLong(row(rows, "cart").get("data-window-events"))).isEqualTo(6);
        assertThat(Long.parseLong(row(rows, "cart").get("data-window-over-threshold"))).isEqualTo(5);

        // The last sweep: the report the sweep answered, kept in Redis.
        Map<String, String> sweep = HeadlessChromium.elements(dom, "section", "data-entries-touched").get(0);
        assertThat(sweep).containsEntry("data-kept-in", "redis").containsEntry("data-entries-touched", Integer.toString(report.entriesTouched()))
                .containsEntry("data-complete", Boolean.toString(report.complete()));
        Map<String, Integer> actions = new HashMap<>();
        HeadlessChromium.elements(dom, "tr", "data-action").forEach(a -> actions.put(a.get("data-action"), Integer.parseInt(a.get("data-count"))));
        assertThat(actions).isEqualTo(report.actions()).containsEntry("cart-abandon:abandoned", 5);
        assertThat((String) RedisCommands.call(redis(), "GET", RecentSweeps.LAST_SWEEP_KEY)).contains(report.runId());

        // The alerts: those on the alerts topic since the test started, with the values the gauges hold.
        Set<String> published = new HashSet<>();
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(ALERTS_TOPIC, Duration.ofSeconds(2))) {
                JsonNode alert = com.example.profiles.testing.CloudEvents.JSON.readTree(r.value());
                if (r.timestamp() >= started) {
                    published.add((alert.path("type").asText().endsWith("raised.v1") ? "raised" : "resolved") + " " + alert.path("subject").asText());
                }
            }
        }
        List<Map<String, String>> alerts = HeadlessChromium.elements(dom, "tr", "data-condition").stream()
                .filter(a -> Long.parseLong(a.get("data-at")) >= started).toList();
        assertThat(alerts).extracting(a -> a.get("data-state") + " " + a.get("data-condition") + "/" + a.get("data-source"))
                .containsExactlyInAnyOrderElementsOf(published)
                .contains("raised stale-share/cart", "raised lag/cart");
        for (Map<String, String> alert : alerts) {
            Gauge value = registry.find("profile_freshness_condition_value").tags("condition", alert.get("data-condition"), "source",
                    alert.get("data-source")).gauge();
            assertThat(alert.get("data-value")).isEqualTo(String.format(Locale.ROOT, "%.4f", value.value()));
        }
        assertThat(HeadlessChromium.elements(dom, "li", "data-active")).extracting(a -> a.get("data-active"))
                .contains("stale-share:cart", "lag:cart");

        // Dead letters: the counter, one more than before, for the record on the dead-letter topic.
        Map<String, String> deadLetter = HeadlessChromium.elements(dom, "tr", "data-reason").stream()
                .filter(d -> d.get("data-function").equals("cart") && d.get("data-reason").equals("invalid:sku")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(deadLetter.get("data-count"))).isEqualTo(deadLetters("cart", "invalid:sku")).isEqualTo(deadLettersBefore + 1);

        // The chart: this instance's events since the test started, per source; the stale carts' lag.
        List<Map<String, String>> points = HeadlessChromium.elements(dom, "circle", "data-count");
        Map<String, Long> chartAfter = new HashMap<>();
        long cartP99 = 0;
        boolean purchaseBeyond = false;
        for (Map<String, String> p : points) {
            if (Long.parseLong(p.get("data-start")) >= firstPeriod) {
                chartAfter.merge(p.get("data-source"), Long.parseLong(p.get("data-count")), Long::sum);
                if (p.get("data-source").equals("cart")) {
                    cartP99 = Math.max(cartP99, Long.parseLong(p.get("data-p99-ms")));
                }
                purchaseBeyond |= p.get("data-source").equals("purchase") && "true".equals(p.get("data-p99-beyond"));
            }
        }
        for (String source : FreshnessIndex.SOURCES) {
            assertThat(chartAfter.getOrDefault(source, 0L) - chartBefore.getOrDefault(source, 0L)).as(source).isEqualTo(applied.get(source));
        }
        long fortyMinutes = Duration.ofMinutes(40).toMillis();
        assertThat(cartP99).isBetween(fortyMinutes, fortyMinutes * 126 / 100); // within one bucket (a factor of 1.26)
        assertThat(purchaseBeyond).as("the 35-day-old purchase's lag is beyond the chart's range").isTrue();
        assertThat(HeadlessChromium.elements(dom, "line", "data-threshold-ms")).extracting(l -> l.get("data-threshold-ms"))
                .containsExactly(Long.toString(Duration.ofMinutes(5).toMillis()));

        // Nothing personal: no user id, no data of the refused record.
        users.add(refusedUser);
        for (String user : users) {
            assertThat(dom).doesNotContain(user);
        }
    }

    @Test
    void withRedisHangingThePageAnswersAtOnceWithWhatThisInstanceKnows() throws Exception {
        requireChromium();
        RedisCommands.call(redis(), "FLUSHALL");
        cart(Instant.now().minus(40, ChronoUnit.MINUTES));
        SweepReport report = sweeper.sweep();

        infrastructure.redis().freeze();
        String dom;
        long took;
        try {
            long start = System.nanoTime();
            given().get("/freshness").then().statusCode(200).header("Content-Type", "text/html; charset=utf-8");
            took = (System.nanoTime() - start) / 1_000_000;
            dom = HeadlessChromium.dumpDom(page.toString());
        } finally {
            infrastructure.redis().unfreeze();
        }
        // The store's deadline (profiles.store.timeout, 1.5 s), not the hang's length.
        assertThat(took).as("milliseconds to answer with Redis hanging").isLessThan(5_000);
        assertThat(HeadlessChromium.elements(dom, "body", "data-redis").get(0)).containsEntry("data-redis", "unavailable");
        assertThat(HeadlessChromium.elements(dom, "p", "id")).extracting(p -> p.get("id")).contains("redis-unavailable");
        assertThat(HeadlessChromium.elements(dom, "tr", "data-stale-share")).isEmpty();
        // This instance's memory: its last sweep, its dead letters, its lag chart.
        Map<String, String> sweep = HeadlessChromium.elements(dom, "section", "data-entries-touched").get(0);
        assertThat(sweep).containsEntry("data-kept-in", "memory").containsEntry("data-entries-touched", Integer.toString(report.entriesTouched()));
        assertThat(HeadlessChromium.elements(dom, "section", "id")).extracting(s -> s.get("id")).contains("dead-letters", "alerts", "lag");
        assertThat(HeadlessChromium.elements(dom, "svg", "id")).extracting(s -> s.get("id")).containsExactly("lag-chart");
        assertThat(HeadlessChromium.elements(dom, "circle", "data-count")).isNotEmpty();

        // Redis back: the page reads it again (the first command after the hang may still find the old connection).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String html = "";
        while (!html.contains("data-redis=\"available\"") && System.nanoTime() < deadline) {
            html = given().get("/freshness").then().statusCode(200).extract().asString();
        }
        assertThat(html).contains("data-redis=\"available\"");
    }

    private static void requireChromium() {
        if (!HeadlessChromium.installed()) {
            System.out.println("[freshness page test] skipped: chromium is not installed (" + HeadlessChromium.BINARY
                    + "; apt-get install -y chromium), so the page cannot be checked in a browser");
        }
        Assumptions.assumeTrue(HeadlessChromium.installed(), "chromium is not installed (apt-get install -y chromium)");
    }

    private void sendCartWithoutSkuOverKafka(String user, double countedBefore) throws InterruptedException {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("userId", user);
        change.put("cartId", "c-1");
        change.put("action", "ITEM_ADDED");
        change.put("category", "home");
        change.put("quantity", 1);
        change.put("unitPrice", 8);
        change.put("currency", "EUR");
        String key = "page-" + newId();
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            kafka.sendBinary(CART_TOPIC, key, CART_TYPE, newId(), "/test/page", Instant.now(), json(change));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean deadLettered = false;
            while (!deadLettered && System.nanoTime() < deadline) {
                deadLettered = kafka.readAll(CART_DEAD_LETTERS, Duration.ofSeconds(1)).stream()
                        .anyMatch(r -> r.key() != null && key.equals(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)));
            }
            assertThat(deadLettered).as("the record without sku is on " + CART_DEAD_LETTERS).isTrue();
        }
        // Counted once the broker acknowledged the copy, which a reader can see a moment before.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (deadLetters("cart", "invalid:sku") == countedBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private double deadLetters(String function, String reason) {
        Counter counter = registry.find(DeadLetterCounter.METER).tags("function", function, "reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, Long> chartCounts(List<LagHistory.Point> points, long fromPeriod) {
        Map<String, Long> counts = new HashMap<>();
        points.stream().filter(p -> p.periodStart() >= fromPeriod).forEach(p -> counts.merge(p.source(), p.count(), Long::sum));
        return counts;
    }

    private static Map<String, String> row(List<Map<String, String>> rows, String source) {
        return rows.stream().filter(r -> r.get("data-source").equals(source)).findFirst().orElseThrow();
    }

    private String redis() {
        return infrastructure.redis().uri();
    }

    private static String user(String prefix) {
        return "page-" + prefix + "-" + newId().substring(0, 8);
    }

    private static String cart(Instant at) {
        String user = user("cart");
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("userId", user);
        change.put("cartId", "c-1");
        change.put("action", "ITEM_ADDED");
        change.put("sku", "MUG");
        change.put("category", "home");
        change.put("quantity", 1);
        change.put("unitPrice", 8);
        change.put("currency", "EUR");
        change.put("occurredAt", at.toString());
        postBinary(CART_TYPE, newId(), "/test/page", null, json(change)).statusCode(200).body("status", equalTo("APPLIED"));
        return user;
    }

    private static String purchase(Instant at) {
        String user = user("buyer");
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-" + newId());
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(Map.of("sku", "MUG", "category", "home", "quantity", 2, "unitPrice", 8)));
        order.put("total", 16);
        postBinary(PURCHASE_TYPE, newId(), "/test/page", null, json(order)).statusCode(200).body("status", equalTo("APPLIED"));
        return user;
    }

    private static String customer(Instant at) {
        String user = user("customer");
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
        postBinary(CUSTOMER_TYPE, newId(), "/test/page", null, json(change)).statusCode(200).body("status", equalTo("APPLIED"));
        return user;
    }
}
