package com.example.profiles.redrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.redrive.DeadLetterRedrive;
import com.example.profiles.devtools.redrive.DeadLetterRedrive.Report;
import com.example.profiles.devtools.redrive.DeadLetterRedrive.Selection;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.PackagedApp;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.testing.ConsumerGroups;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;

/**
 * Dead letters whose cause a configuration change fixes, end to end: the packaged application
 * dead-letters purchases in a currency it has no rate for, is restarted with the rate, and the
 * re-drive sends those letters (and only those) back to the purchase topic, where each is applied
 * once. A second re-drive sends nothing; letters sent again behind the ledger's back (as if it were
 * lost) are taken as duplicates, so no profile counts a purchase twice.
 */
@LongTest
@Tag("process") // runs in failsafe, after package (see the parent pom)
class DeadLetterRedriveProcessIT {

    private static final String TOPIC = "commerce.purchase.completed.v1";
    private static final String DEAD_LETTERS = "commerce.purchase.completed.v1.dlq";
    private static final String TYPE = "com.example.commerce.purchase.completed.v1";
    private static final String GROUP = "profile-functions-purchase";
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final int FIXED = 12;

    static RedisServerProcess redis;
    static KafkaBroker kafka;

    @BeforeAll
    static void servers() {
        redis = RedisServerProcess.start();
        kafka = KafkaBroker.start();
        kafka.createTopics(FunctionTopics.fromProject().toArray(String[]::new));
    }

    @AfterAll
    static void stopServers() {
        try {
            if (kafka != null) {
                kafka.stop();
            }
        } finally {
            if (redis != null) {
                redis.stop();
            }
        }
    }

    @Test
    void lettersFixedByARateAddedAreReDrivenAndAppliedOnce() {
        try (KafkaEvents producer = new KafkaEvents(kafka.bootstrapServers())) {
            for (int i = 0; i < FIXED; i++) {
                producer.sendBinary(TOPIC, "rd-" + i, TYPE, "nok-" + i, "/test/redrive", Instant.now(), order("rd-" + i, "NOK", "1"));
            }
            producer.sendBinary(TOPIC, "rd-eur", TYPE, "eur-0", "/test/redrive", Instant.now(), order("rd-eur", "EUR", "1"));
            producer.sendBinary(TOPIC, "rd-bad", TYPE, "bad-0", "/test/redrive", Instant.now(), order("rd-bad", "EUR", "-1"));
        }
        DeadLetterRedrive redrive = new DeadLetterRedrive(client(), DEAD_LETTERS, TOPIC, DeadLetterRedrive.ledgerFor(DEAD_LETTERS));
        Selection missingRate = new Selection(List.of("no exchange rate"), null, null);

        // Without a rate for NOK: those orders are dead-lettered, the EUR one applied.
        try (PackagedApp app = launch("redrive-without-rate", List.of())) {
            app.awaitHttp("/q/health/ready", Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(60)).until(() -> lag() == 0 && count("rd-eur") == 1);
            Report dry = redrive.run(missingRate, true, quiet());
            assertThat(dry.read()).isEqualTo(FIXED + 1);
            assertThat(dry.sent()).isEqualTo(FIXED);
            assertThat(dry.notSelected()).as("the invalid quantity's letter").isEqualTo(1);
            app.terminate();
        }
        for (int i = 0; i < FIXED; i++) {
            assertThat(count("rd-" + i)).isZero();
        }

        // The rate is added (a configuration change and a restart), then the letters are re-driven.
        List<String> withRate = List.of("-Dprofiles.currency-rates.NOK=0.1");
        try (PackagedApp app = launch("redrive-with-rate", withRate)) {
            app.awaitHttp("/q/health/ready", Duration.ofSeconds(120));
            assertThat(redrive.run(missingRate, false, quiet()).sent()).isEqualTo(FIXED);
            // (The consumer group's lag by offsets stays at 1 after a transaction: its commit marker
            // takes an offset no record fills. So wait for what was applied.)
            await().atMost(Duration.ofSeconds(60)).until(DeadLetterRedriveProcessIT::appliedOnceEach);
            // 1 NOK at 0.1 EUR: 10 cents, at the rate the restart brought.
            assertThat(RedisCommands.call(redis.uri(), "HGET", "profile:{rd-0}", "purchase:spend_minor")).isEqualTo("10");

            assertThat(redrive.run(missingRate, false, quiet()).sent()).as("nothing is sent twice").isZero();

            // Sent again with a ledger that knows nothing of them: the functions take them as duplicates.
            Report again = new DeadLetterRedrive(client(), DEAD_LETTERS, TOPIC, "redrive-ledger-lost").run(missingRate, false, quiet());
            assertThat(again.sent()).isEqualTo(FIXED);
            String duplicates = "profile_events_total{function=\"purchase\",outcome=\"duplicate\",trigger=\"kafka\",type=\"" + TYPE + "\"} "
                    + FIXED + ".0";
            await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/q/metrics").contains(duplicates));
            assertThat(appliedOnceEach()).isTrue();
            assertThat(count("rd-bad")).isZero();
        }
    }

    private static boolean appliedOnceEach() {
        for (int i = 0; i < FIXED; i++) {
            if (count("rd-" + i) != 1) {
                return false;
            }
        }
        return true;
    }

    private static long lag() {
        try (ConsumerGroups groups = new ConsumerGroups(kafka.bootstrapServers())) {
            return groups.lag(GROUP, TOPIC);
        }
    }

    private static PackagedApp launch(String name, List<String> options) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.uri());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PROFILE_HASH_KEY", "process-test-hash-key-not-a-secret-0123");
        List<String> jvm = new java.util.ArrayList<>(JVM);
        jvm.addAll(options);
        return PackagedApp.start(name, JAR, Path.of("target", "process-it", name + ".log"), env, jvm);
    }

    private static Properties client() {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return client;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static String order(String user, String currency, String quantity) {
        return "{\"userId\":\"" + user + "\",\"orderId\":\"o-" + user + "\",\"currency\":\"" + currency + "\","
                + "\"items\":[{\"sku\":\"SKU-1\",\"category\":\"books\",\"quantity\":" + quantity + ",\"unitPrice\":1.00}],\"total\":1.00}";
    }

    private static long count(String user) {
        Object value = RedisCommands.call(redis.uri(), "HGET", "profile:{" + user + "}", "purchase:count");
        return value == null ? 0 : Long.parseLong(value.toString());
    }
}
