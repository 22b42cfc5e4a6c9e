package com.example.profiles.devtools.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What Replay prints once every sample is sent: the profiles, the metrics, the dead letters, the
 * freshness alerts, and what the freshness page shows, with its address.
 */
final class ReplayReport {

    /** A profile counts as settled once its version has not changed for this long... */
    private static final Duration SETTLE_QUIET = Duration.ofSeconds(1);
    /** ...within at most this long. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);
    /** A source's row and a dead-letter row of the freshness page, by their data attributes (FreshnessPageHtml). */
    private static final Pattern SOURCE_ROW = Pattern.compile(
            "<tr data-source=\"([a-z]+)\" data-profiles=\"(\\d+)\" data-stale=\"(\\d+)\" data-stale-share=\"([0-9.]+)\"");
    private static final Pattern DEAD_LETTER_ROW = Pattern.compile(
            "<tr data-function=\"([^\"]+)\" data-reason=\"([^\"]+)\" data-count=\"(\\d+)\"");

    private final ObjectMapper json;
    private final FunctionApp app;
    private final ReplayLog log;
    private final String bootstrapServers;

    ReplayReport(ObjectMapper json, FunctionApp app, ReplayLog log, String bootstrapServers) {
        this.json = json;
        this.app = app;
        this.log = log;
        this.bootstrapServers = bootstrapServers;
    }

    /** Waits until each user's profile version stops changing, then prints it. */
    void printProfiles(Set<String> users, Map<String, String> lastOutcome) throws Exception {
        System.out.println();
        System.out.println("== Profiles (each read once its version had not changed for " + SETTLE_QUIET.toMillis() + " ms)");
        for (String user : users) {
            JsonNode profile = settledProfile(user);
            if (profile == null) {
                String last = lastOutcome.get(user);
                System.out.println("-- " + user + ": no profile" + ("erased".equals(last) ? " (erased by its last event)" : ""));
                if ("applied".equals(last)) {
                    log.problem("profile " + user + " is missing although its last event was applied");
                }
                continue;
            }
            System.out.println("-- " + user + " (version " + profile.path("version").asText() + "):");
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(profile));
        }
    }

    /** The user's profile (null if none) once its version has stopped changing; still changing is a problem. */
    private JsonNode settledProfile(String user) throws Exception {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        JsonNode profile = app.profile(user);
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            JsonNode again = app.profile(user);
            if (!version(again).equals(version(profile))) {
                profile = again;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= SETTLE_QUIET.toNanos()) {
                return again;
            }
        }
        log.problem("profile " + user + " was still changing after " + SETTLE_TIMEOUT.toSeconds() + " s");
        return profile;
    }

    private static String version(JsonNode profile) {
        return profile == null ? "none" : profile.path("version").asText();
    }

    void printMetrics() throws IOException, InterruptedException {
        System.out.println();
        System.out.println("== Metrics (GET /q/metrics): freshness lag, event time to profile written, and outcomes");
        List<String> lines = app.metricLines();
        List<String> lag = lines.stream()
                .filter(l -> l.startsWith("profile_freshness_lag_seconds{") && l.contains("quantile=")
                        || l.startsWith("profile_freshness_lag_seconds_count") || l.startsWith("profile_freshness_lag_seconds_max"))
                .toList();
        List<String> events = lines.stream().filter(l -> l.startsWith("profile_events_")).toList();
        lag.forEach(System.out::println);
        events.forEach(System.out::println);
        if (lag.isEmpty()) {
            log.problem("/q/metrics shows no profile_freshness_lag_seconds");
        }
    }

    void printDeadLetters(List<FunctionDescriptor> functions, Map<String, DeadLetters> deadLetters, Map<String, Integer> expected) {
        System.out.println();
        System.out.println("== Dead-letter topics (read from the beginning)");
        for (FunctionDescriptor function : functions) {
            DeadLetters dlq = deadLetters.get(function.name());
            if (dlq == null) {
                continue;
            }
            // Briefly, for anything not seen yet: the copies we waited for are already in hand.
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                dlq.poll(Duration.ofMillis(250));
            }
            System.out.println("-- " + dlq.topic + ": " + dlq.seen.size() + " record" + (dlq.seen.size() == 1 ? "" : "s"));
            dlq.seen.forEach(ReplayReport::printDeadLetter);
            int wanted = expected.getOrDefault(function.name(), 0);
            if (dlq.seen.size() < wanted) {
                log.problem(dlq.topic + " holds " + dlq.seen.size() + " records; " + wanted + " invalid records were sent to Kafka");
            }
        }
    }

    private static void printDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        System.out.printf("   %s/%d@%d key=%s ce_id=%s, from %s/%s@%s by function %s%n", r.topic(), r.partition(), r.offset(),
                r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8), DeadLetters.header(r, "ce_id"),
                DeadLetters.header(r, "dead-letter-topic"), DeadLetters.header(r, "dead-letter-partition"),
                DeadLetters.header(r, "dead-letter-offset"), DeadLetters.header(r, "dead-letter-function"));
        System.out.println("     dead-letter-reason:     " + DeadLetters.header(r, "dead-letter-reason"));
        System.out.println("     dead-letter-violations: " + DeadLetters.header(r, "dead-letter-violations"));
    }

    /** The freshness alerts the sweeps raised or resolved (CloudEvents on profiles.freshness-alerts.v1). */
    void printAlerts() throws IOException {
        System.out.println();
        System.out.println("== Freshness alerts (topic profiles.freshness-alerts.v1)");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "replay-alerts-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of("profiles.freshness-alerts.v1"));
            long deadline = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode alert = json.readTree(record.value());
                    JsonNode data = alert.path("data");
                    System.out.printf("%-48s %-22s value %.4f (threshold %.4f)%n", alert.path("type").asText(), alert.path("subject").asText(),
                            data.path("value").asDouble(), data.path("threshold").asDouble());
                    count++;
                }
            }
        }
        if (count == 0) {
            System.out.println("(none)");
        }
    }

    /** The freshness page's address and the numbers it shows, read from its data attributes; a page that is not there is a problem. */
    void printFreshnessPage() throws IOException, InterruptedException {
        String url = app.baseUrl() + "/freshness";
        System.out.println();
        System.out.println("== Freshness page: " + url);
        var page = app.freshnessPage();
        if (page.statusCode() != 200 || !page.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
            log.problem("GET /freshness answered " + page.statusCode() + " " + page.headers().firstValue("Content-Type").orElse(""));
            return;
        }
        String html = page.body();
        if (!html.contains("data-redis=\"available\"")) {
            log.problem("the freshness page says Redis is unavailable");
        }
        var sources = SOURCE_ROW.matcher(html);
        int rows = 0;
        while (sources.find()) {
            rows++;
            System.out.printf("%-9s profiles with its data %s, stale %s (share %s)%n", sources.group(1), sources.group(2), sources.group(3),
                    sources.group(4));
        }
        if (rows == 0) {
            log.problem("the freshness page shows no source");
        }
        var deadLetters = DEAD_LETTER_ROW.matcher(html);
        while (deadLetters.find()) {
            System.out.printf("dead letters of %s, %s: %s%n", deadLetters.group(1), deadLetters.group(2), deadLetters.group(3));
        }
        System.out.println("(the last sweep, the alerts of the last hour and a 15-minute lag chart are on the page; open it in a browser)");
    }
}
